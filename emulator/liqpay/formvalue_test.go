package liqpay

import (
	"net/url"
	"strings"
	"testing"
)

var formSeeds = []string{
	"data=eyJhIjoxfQ%3D%3D&signature=abc%2B%2F%3D",
	"signature=s&data=d", "data=first&data=second", "data=%zz&data=ok", "d%61ta=escaped+name",
	"data=a;b&data=c", "&&data=x&", "data", "data=", "=v", "data=%", "data=+plus+", "a=1;data=2",
	strings.Repeat("x=1&", 100) + "data=late",
}

func TestFormValueMatchesParseQuery(t *testing.T) {
	for _, form := range formSeeds {
		for _, key := range []string{"data", "signature"} {
			got, ok := formValue(form, key)
			if !ok {
				continue
			}
			vals, _ := url.ParseQuery(form)
			if want := vals.Get(key); got != want {
				t.Errorf("formValue(%q, %q) = %q, ParseQuery gives %q", form, key, got, want)
			}
		}
	}
}

func FuzzFormValue(f *testing.F) {
	for _, form := range formSeeds {
		f.Add(form)
	}
	f.Fuzz(func(t *testing.T, form string) {
		for _, key := range []string{"data", "signature"} {
			got, ok := formValue(form, key)
			if !ok {
				continue
			}
			vals, _ := url.ParseQuery(form)
			if want := vals.Get(key); got != want {
				t.Errorf("formValue(%q, %q) = %q, ParseQuery gives %q", form, key, got, want)
			}
		}
	})
}
