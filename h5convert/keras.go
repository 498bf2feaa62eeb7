package h5convert

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// kerasFileLayer is one layer of a Keras file with its weight datasets in
// file order.
type kerasFileLayer struct {
	name     string   // layer name (legacy) or group name (Keras 3)
	label    string   // for messages: "dense" or "layers/dense"
	datasets []string // dataset paths
	names    []string // legacy weight names, parallel to datasets
	attrName string   // Keras 3: the vars group's "name" attribute
}

// autoKerasLegacy maps a legacy Keras H5 file: the layers of layer_names
// that have weights, onto the model's layers with variables, by name when
// every file layer name is a model layer, else by order as Keras'
// load_weights does; inside a layer, weights by name when they all match,
// else by position (trainable first, then non-trainable).
func (b *planner) autoKerasLegacy() ([]*rule, []*Problem) {
	var problems []*Problem
	root := b.t.kerasLegacyRoot()
	if root == "" {
		return nil, []*Problem{newProblem(ErrLayout, "", "", "%s has no layer_names attribute on / or /model_weights, so it is not a Keras legacy H5 file", b.t.file)}
	}
	names, _ := b.t.kerasList(root, "layer_names")
	var fls []*kerasFileLayer
	for _, name := range names {
		group := joinH5(root, name)
		if o := b.t.get(group); o == nil || o.Kind != "group" {
			problems = append(problems, newProblem(ErrLayout, group, "", "layer_names of %s lists %s, but there is no group %s", b.t.file, name, group))
			continue
		}
		weights, _ := b.t.kerasList(group, "weight_names")
		fl := &kerasFileLayer{name: name, label: name}
		for _, w := range weights {
			path := joinH5(group, w)
			if b.skipSrc[path] > 0 {
				continue
			}
			fl.datasets = append(fl.datasets, path)
			fl.names = append(fl.names, w)
		}
		if len(fl.datasets) > 0 {
			fls = append(fls, fl)
		}
	}
	pairs, more := b.pairLayers(fls, "layer")
	problems = append(problems, more...)
	var rules []*rule
	for _, pr := range pairs {
		rs, ps := b.kerasLayerRules(pr.file, pr.model, "keras-legacy")
		rules = append(rules, rs...)
		problems = append(problems, ps...)
	}
	return rules, problems
}

// autoKeras3 maps a Keras 3 .weights.h5 file: each model layer finds its
// layers/<name>/vars group by the group's name attribute (the layer name)
// when all of them match, else by Keras' own naming (the snake_case class
// name, _1, _2, ... for repeats); vars/<i> is the i-th variable, trainable
// first, then non-trainable.
func (b *planner) autoKeras3() ([]*rule, []*Problem) {
	var problems []*Problem
	byGroup := map[string]map[int]string{}
	var groups []string
	for _, o := range b.t.objs {
		m := keras3Var.FindStringSubmatch(o.Path)
		if o.Kind != "dataset" || m == nil || b.skipSrc[o.Path] > 0 {
			continue
		}
		i, err := strconv.Atoi(m[2])
		if err != nil {
			continue
		}
		if byGroup[m[1]] == nil {
			byGroup[m[1]] = map[int]string{}
			groups = append(groups, m[1])
		}
		byGroup[m[1]][i] = o.Path
	}
	var fls []*kerasFileLayer
	for _, g := range groups {
		fl := &kerasFileLayer{name: g, label: "layers/" + g}
		if a := b.t.attr("/layers/"+g+"/vars", "name"); a != nil && len(attrStrings(a)) == 1 {
			fl.attrName = attrStrings(a)[0]
		}
		idx := byGroup[g]
		for i := 0; i < len(idx); i++ {
			p, ok := idx[i]
			if !ok {
				problems = append(problems, newProblem(ErrLayout, "", "", "%s: layers/%s/vars has no dataset %d (it has %d)", b.t.file, g, i, len(idx)))
				break
			}
			fl.datasets = append(fl.datasets, p)
		}
		if len(fl.datasets) == len(idx) {
			fls = append(fls, fl)
		}
	}
	model := b.modelLayers()
	// By the name attribute when every model layer finds its group so.
	byAttr := map[string]*kerasFileLayer{}
	for _, fl := range fls {
		if fl.attrName != "" {
			byAttr[fl.attrName] = fl
		}
	}
	useAttr := len(model) > 0
	for _, l := range model {
		if byAttr[l.Name] == nil {
			useAttr = false
		}
	}
	byGroupName := map[string]*kerasFileLayer{}
	for _, fl := range fls {
		byGroupName[fl.name] = fl
	}
	used := map[*kerasFileLayer]bool{}
	var rules []*rule
	keras := kerasNames(layersOf(b.vars))
	for _, l := range model {
		fl := byGroupName[keras[l.Name]]
		if useAttr {
			fl = byAttr[l.Name]
		}
		if fl == nil {
			for _, v := range l.Vars {
				b.hints[v.Name] = fmt.Sprintf("no layers/%s/vars in the file", keras[l.Name])
			}
			continue
		}
		used[fl] = true
		rs, ps := b.kerasLayerRules(fl, l, "keras3")
		rules = append(rules, rs...)
		problems = append(problems, ps...)
	}
	for _, fl := range fls {
		if !used[fl] {
			b.warn("%s: %s (%d datasets) matches no layer of the model", b.t.file, fl.label, len(fl.datasets))
		}
	}
	return rules, problems
}

// kerasNames gives each layer the group name Keras 3 saves it under
// inside a Sequential or Functional model: its class in snake_case, with
// _1, _2, ... for later layers of the same class.
func kerasNames(ls []*layer) map[string]string {
	out := map[string]string{} // layer name -> group name
	used := map[string]int{}
	for _, l := range ls {
		base := snakeCase(l.Class)
		if n, ok := used[base]; ok {
			used[base] = n + 1
			out[l.Name] = fmt.Sprintf("%s_%d", base, n+1)
		} else {
			used[base] = 0
			out[l.Name] = base
		}
	}
	return out
}

var (
	snakeNonWord = regexp.MustCompile(`\W+`)
	snakeWord    = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	snakeLower   = regexp.MustCompile(`([a-z])([A-Z])`)
)

// snakeCase is Keras' naming.to_snake_case: "BatchNormalization" becomes
// "batch_normalization", "Conv2D" becomes "conv2d".
func snakeCase(name string) string {
	name = snakeNonWord.ReplaceAllString(name, "")
	name = snakeWord.ReplaceAllString(name, "${1}_${2}")
	return strings.ToLower(snakeLower.ReplaceAllString(name, "${1}_${2}"))
}

type layerPair struct {
	file  *kerasFileLayer
	model *layer
}

// pairLayers pairs file layers with the model's layers: by name when every
// file layer is named like a model layer, else by order when the counts
// agree.
func (b *planner) pairLayers(fls []*kerasFileLayer, what string) ([]layerPair, []*Problem) {
	model := b.modelLayers()
	byName := map[string]*layer{}
	for _, l := range model {
		byName[l.Name] = l
	}
	named := len(fls) > 0
	for _, fl := range fls {
		if byName[fl.name] == nil {
			named = false
		}
	}
	var pairs []layerPair
	if named {
		for _, fl := range fls {
			pairs = append(pairs, layerPair{fl, byName[fl.name]})
		}
		return pairs, nil
	}
	if len(fls) != len(model) {
		return nil, []*Problem{newProblem(ErrLayout, "", "",
			"%s has %d %ss with weights (%s) but the model has %d (%s); map or skip them in a mapping file",
			b.t.file, len(fls), what, fileLayerNames(fls), len(model), layerNames(model))}
	}
	if len(fls) > 0 {
		b.warn("the layer names of %s (%s) are not the model's (%s); layers mapped by order, as Keras' load_weights does",
			b.t.file, fileLayerNames(fls), layerNames(model))
	}
	for i, fl := range fls {
		pairs = append(pairs, layerPair{fl, model[i]})
	}
	return pairs, nil
}

// kerasLayerRules maps a file layer's datasets onto a model layer's
// variables.
func (b *planner) kerasLayerRules(fl *kerasFileLayer, l *layer, layout string) ([]*rule, []*Problem) {
	order := l.legacyOrder()
	if len(fl.datasets) != len(order) {
		return nil, []*Problem{newProblem(ErrLayout, "", "",
			"%s: %s has %d weights but model layer %s has %d (%s); map them in a mapping file",
			b.t.file, fl.label, len(fl.datasets), l.Name, len(order), varNames(order))}
	}
	targets := order
	if byName := matchWeightNames(fl.names, l); byName != nil {
		targets = byName
	}
	rules := make([]*rule, len(targets))
	for i, v := range targets {
		origin := fmt.Sprintf("%s %s", layout, strings.TrimPrefix(fl.datasets[i], "/"))
		if layout == "keras-legacy" {
			origin = fmt.Sprintf("keras-legacy layer %s weight %d", fl.name, i)
		}
		rules[i] = &rule{source: fl.datasets[i], variable: v, origin: origin}
	}
	return rules, nil
}

// matchWeightNames pairs legacy weight names ("sequential/dense/kernel",
// "dense/kernel:0") with the layer's variables by full name or, failing
// that, by last component; nil unless every name finds a distinct
// variable.
func matchWeightNames(names []string, l *layer) []*Variable {
	if len(names) != len(l.Vars) {
		return nil
	}
	out := make([]*Variable, len(names))
	taken := map[*Variable]bool{}
	for i, n := range names {
		n = strings.TrimSuffix(n, ":0")
		var match *Variable
		for _, v := range l.Vars {
			if v.Name == n {
				match = v
			}
		}
		if match == nil {
			for _, v := range l.Vars {
				if baseName(v.Name) == baseName(n) {
					if match != nil {
						return nil
					}
					match = v
				}
			}
		}
		if match == nil || taken[match] {
			return nil
		}
		taken[match] = true
		out[i] = match
	}
	return out
}

func fileLayerNames(fls []*kerasFileLayer) string {
	parts := make([]string, len(fls))
	for i, fl := range fls {
		parts[i] = fl.label
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func varNames(vs []*Variable) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = baseName(v.Name)
	}
	return strings.Join(parts, ", ")
}

// joinH5 joins a group path and a relative name.
func joinH5(group, name string) string {
	name = strings.TrimPrefix(name, "/")
	if group == "/" {
		return "/" + name
	}
	return group + "/" + name
}
