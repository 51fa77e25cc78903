package journal

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Export copies every entry out, oldest first, for a state file.
func (j *Journal) Export() []*Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*Entry
	for _, list := range j.tenants {
		out = append(out, list...)
	}
	slices.SortFunc(out, func(a, b *Entry) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Import replaces the journal's entries with entries (as Export gave
// them), keeping their ids and each merchant's newest Max; new entries are
// numbered after the highest id imported.
func (j *Journal) Import(entries []*Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.tenants, j.seq = map[string][]*Entry{}, 0
	for _, e := range entries {
		if e == nil {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimPrefix(e.ID, "req_"), 10, 64); err == nil && n > j.seq {
			j.seq = n
		}
		list := append(j.tenants[e.Tenant], e)
		if len(list) > j.max {
			list = list[len(list)-j.max:]
		}
		j.tenants[e.Tenant] = list
	}
}
