package callback

// Page returns one page of the callbacks f selects: of the matches, oldest
// first, the limit that end offset before the newest (offset 0, limit 10:
// the newest ten), with how many matched in all. Only the page is copied,
// so a log of any size answers a page in bounded memory. f.Limit is
// ignored; limit ≤ 0 means no limit.
func (d *Dispatcher) Page(f Filter, offset, limit int) ([]Callback, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	match := d.matching(f)
	end := max(len(match)-max(offset, 0), 0)
	start := 0
	if limit > 0 {
		start = max(end-limit, 0)
	}
	out := make([]Callback, 0, end-start)
	for _, r := range match[start:end] {
		out = append(out, r.snapshot())
	}
	return out, len(match)
}
