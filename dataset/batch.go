package dataset

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
)

// BatchOptions says how Batches cuts one epoch of a dataset into batches.
type BatchOptions struct {
	// BatchSize is the number of samples per batch; the last batch of an
	// epoch holds the rest and may be smaller (it is kept, as Keras does).
	BatchSize int
	// Shuffle visits the samples in the order of Permutation(N, Seed, Epoch)
	// instead of 0, 1, 2, ….
	Shuffle bool
	Seed    uint64
	// Epoch selects the shuffle of a given epoch, so training resumed at
	// epoch e sees the same batches as an uninterrupted run.
	Epoch int
	// Prefetch is the number of batches a background goroutine prepares
	// ahead of the consumer. 0 prepares each batch inside Next, with no
	// goroutine; 1 or 2 overlaps copying with the consumer's work.
	Prefetch int
}

// Batch is one batch of samples, copied out of a Dataset.
//
// A Batch and its arrays belong to the iterator that returned it: they stay
// valid until the next call to Next or Close, after which the iterator
// reuses their memory for a later batch. Copy (Clone) what must outlive that.
type Batch struct {
	Inputs  []Named // same names, dtypes and sample shapes as the dataset's
	Targets *Array  // nil when the dataset has none
	Weights *Array  // nil when the dataset has none
	Size    int     // number of samples, BatchSize except maybe for the last
	Index   int     // 0-based position of the batch in the epoch
	// Rows holds the dataset index of each sample, in batch order. It is
	// read-only and shares the iterator's permutation.
	Rows []int
}

// NumBatches returns the number of batches in an epoch of n samples:
// ceil(n / batchSize).
func NumBatches(n, batchSize int) int {
	if batchSize <= 0 {
		return 0
	}
	return (n + batchSize - 1) / batchSize
}

// Permutation returns the order in which an epoch with Shuffle visits n
// samples. It depends only on (n, seed, epoch): a PCG generator from
// math/rand/v2 seeded with seed and a SplitMix64 hash of epoch, then
// rand.Perm. The sequence is part of the package's contract, so training
// resumed at any epoch replays the same batches.
func Permutation(n int, seed uint64, epoch int) []int {
	r := rand.New(rand.NewPCG(seed, splitMix64(uint64(epoch))))
	return r.Perm(n)
}

// BatchIterator hands out the batches of one epoch; make one with Batches.
// Its methods must be called from one goroutine at a time.
type BatchIterator struct {
	ctx     context.Context
	cancel  context.CancelFunc
	plan    *batchPlan
	ready   chan *slot    // filled buffers, in order (prefetch mode)
	free    chan *slot    // buffers the producer may fill
	done    chan struct{} // closed when the producer has returned (prefetch mode)
	cur     *slot         // the buffer the consumer holds
	next    int           // next batch index (synchronous mode)
	cleanup runtime.Cleanup
	closed  bool
}

// batchPlan is what filling a batch needs; the producer goroutine holds only
// this, not the iterator, so an iterator dropped without Close can be
// collected and its cleanup can stop the goroutine.
type batchPlan struct {
	ds    Dataset
	rows  []int // the epoch's order
	size  int   // batch size
	count int   // number of batches
}

// slot is one reusable batch buffer. Whoever holds it (the producer while
// filling, the consumer until its next Next) owns it; channels hand it over.
type slot struct {
	full *Batch // arrays of the full batch size
	cut  *Batch // views of full cut to the last batch's size, made when first needed
	out  *Batch // what was handed out: full or cut
}

// Batches returns an iterator over one epoch of ds, cut as opt says. Data is
// copied from ds into a small set of buffers allocated here and reused
// (Prefetch+2 batches with prefetch, 1 without), so an epoch allocates
// nothing per batch; ds must not change while the iterator is in use. A new
// epoch takes a new iterator (with its Epoch for the shuffle).
//
// Call Close when done (defer it): it stops the prefetching goroutine.
// Cancelling ctx stops it too, and Next then returns ctx's error.
func Batches(ctx context.Context, ds Dataset, opt BatchOptions) (*BatchIterator, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if opt.BatchSize <= 0 {
		return nil, fmt.Errorf("%s: %w: batch size %d must be positive", ds.where(), ErrRange, opt.BatchSize)
	}
	if opt.Prefetch < 0 {
		return nil, fmt.Errorf("%s: %w: prefetch %d must not be negative", ds.where(), ErrRange, opt.Prefetch)
	}
	n := ds.Len()
	var rows []int
	if opt.Shuffle {
		rows = Permutation(n, opt.Seed, opt.Epoch)
	} else {
		rows = make([]int, n)
		for i := range rows {
			rows[i] = i
		}
	}
	size := min(opt.BatchSize, max(n, 1))
	plan := &batchPlan{ds: ds, rows: rows, size: size, count: NumBatches(n, size)}

	nbuf := 1
	if opt.Prefetch > 0 {
		nbuf = opt.Prefetch + 2 // queued + being filled + held by the consumer
	}
	free := make(chan *slot, nbuf)
	for range nbuf {
		b, err := plan.newBuffer()
		if err != nil {
			return nil, err
		}
		free <- &slot{full: b}
	}
	cctx, cancel := context.WithCancel(ctx)
	it := &BatchIterator{ctx: cctx, cancel: cancel, plan: plan, free: free}
	if opt.Prefetch > 0 {
		it.ready = make(chan *slot, opt.Prefetch)
		it.done = make(chan struct{})
		go produce(cctx, plan, it.free, it.ready, it.done)
	}
	// A safety net for an iterator dropped without Close: stop the goroutine
	// and release ctx's resources once the iterator is unreachable.
	it.cleanup = runtime.AddCleanup(it, func(cancel context.CancelFunc) { cancel() }, cancel)
	return it, nil
}

// newBuffer allocates a batch of the full batch size.
func (p *batchPlan) newBuffer() (*Batch, error) {
	b := &Batch{Inputs: make([]Named, len(p.ds.Inputs))}
	alloc := func(a *Array) (*Array, error) {
		shape := slices.Clone(a.Shape)
		shape[0] = p.size
		return Zeros(a.DType(), shape...)
	}
	var err error
	for i, in := range p.ds.Inputs {
		b.Inputs[i].Name = in.Name
		if b.Inputs[i].Array, err = alloc(in.Array); err != nil {
			return nil, err
		}
	}
	if p.ds.Targets != nil {
		if b.Targets, err = alloc(p.ds.Targets); err != nil {
			return nil, err
		}
	}
	if p.ds.Weights != nil {
		if b.Weights, err = alloc(p.ds.Weights); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// fill copies batch i into s and sets s.out to the batch to hand out: the
// full buffer, or for a short last batch a view of it cut to its size.
func (p *batchPlan) fill(s *slot, i int) {
	lo := i * p.size
	hi := min(lo+p.size, len(p.rows))
	b := s.full
	if hi-lo != p.size {
		if s.cut == nil || s.cut.Size != hi-lo {
			s.cut = cutBatch(s.full, hi-lo)
		}
		b = s.cut
	}
	rows := p.rows[lo:hi:hi]
	for k, in := range p.ds.Inputs {
		gatherData(in.Data, b.Inputs[k].Data, rows, in.RowSize())
	}
	if p.ds.Targets != nil {
		gatherData(p.ds.Targets.Data, b.Targets.Data, rows, p.ds.Targets.RowSize())
	}
	if p.ds.Weights != nil {
		gatherData(p.ds.Weights.Data, b.Weights.Data, rows, 1)
	}
	b.Size, b.Index, b.Rows = hi-lo, i, rows
	s.out = b
}

// cutBatch returns views of buf's arrays holding only the first n samples.
func cutBatch(buf *Batch, n int) *Batch {
	cut := func(a *Array) *Array {
		if a == nil {
			return nil
		}
		v, _ := a.Slice(0, n) // n <= a.Len(), so this cannot fail
		return v
	}
	b := &Batch{Inputs: make([]Named, len(buf.Inputs)), Size: n}
	for i, in := range buf.Inputs {
		b.Inputs[i] = Named{Name: in.Name, Array: cut(in.Array)}
	}
	b.Targets, b.Weights = cut(buf.Targets), cut(buf.Weights)
	return b
}

// produce fills batches in order until the epoch ends or ctx is done.
func produce(ctx context.Context, p *batchPlan, free <-chan *slot, ready chan<- *slot, done chan<- struct{}) {
	defer close(done)
	defer close(ready)
	for i := range p.count {
		var s *slot
		select {
		case s = <-free:
		case <-ctx.Done():
			return
		}
		p.fill(s, i)
		select {
		case ready <- s:
		case <-ctx.Done():
			return
		}
	}
}

// NumBatches returns the number of batches in the epoch.
func (it *BatchIterator) NumBatches() int { return it.plan.count }

// Next returns the next batch of the epoch, io.EOF after the last one, or
// ctx's error once ctx is cancelled. The batch returned before becomes
// invalid: its memory is reused.
func (it *BatchIterator) Next() (*Batch, error) {
	if it.closed {
		return nil, fmt.Errorf("batch iterator: next after close: %w", io.EOF)
	}
	if it.cur != nil {
		it.free <- it.cur // never blocks: free has room for every buffer
		it.cur = nil
	}
	if err := it.ctx.Err(); err != nil {
		return nil, err
	}
	if it.ready == nil { // synchronous
		if it.next >= it.plan.count {
			return nil, io.EOF
		}
		s := <-it.free
		it.plan.fill(s, it.next)
		it.next++
		it.cur = s
		return s.out, nil
	}
	select {
	case s, ok := <-it.ready:
		if !ok {
			if err := it.ctx.Err(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		it.cur = s
		return s.out, nil
	case <-it.ctx.Done():
		return nil, it.ctx.Err()
	}
}

// Close stops the prefetching goroutine and waits for it to return. The last
// batch becomes invalid. Close is idempotent and always returns nil.
func (it *BatchIterator) Close() error {
	if it.closed {
		return nil
	}
	it.closed = true
	it.cancel()
	if it.done != nil {
		<-it.done
	}
	it.cleanup.Stop()
	it.cur = nil
	return nil
}
