package scenarios

import (
	"bytes"
	"encoding/json"
	"sort"
)

// MergeFields applies an outcome's fields to a provider's JSON object:
// fields it has keep their place (providers' field order is part of their
// wire format), new ones are appended in name order.
func MergeFields(obj []byte, fields map[string]any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	type kv struct {
		k string
		v json.RawMessage
	}
	var out []kv
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if nv, ok := fields[k]; ok {
			b, err := marshal(nv)
			if err != nil {
				return nil, err
			}
			v = b
		}
		seen[k] = true
		out = append(out, kv{k, v})
	}
	extra := make([]string, 0, len(fields))
	for k := range fields {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		b, err := marshal(fields[k])
		if err != nil {
			return nil, err
		}
		out = append(out, kv{k, b})
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range out {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(f.v)
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// marshal encodes a value as providers write it: "/", "<" and "&" as they
// are, no trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
