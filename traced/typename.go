package traced

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// shortTypeName names t as code inside t's own package would: ClientOrder,
// []*ClientOrder, Box[ClientOrder]. Every package qualifier is left out,
// type arguments' included.
func shortTypeName(t reflect.Type) string {
	s := t.String()
	var b strings.Builder
	for len(s) > 0 {
		end := strings.IndexFunc(s, func(r rune) bool { return !isPathRune(r) })
		if end < 0 {
			end = len(s)
		}
		if end == 0 { // one rune of punctuation: [ ] * { } space …
			_, end = utf8.DecodeRuneInString(s)
			b.WriteString(s[:end])
		} else {
			token := s[:end] // an identifier, maybe qualified: net/http.Request
			b.WriteString(token[strings.LastIndexByte(token, '.')+1:])
		}
		s = s[end:]
	}
	return b.String()
}

// isPathRune reports whether r may appear in a qualified identifier as
// reflect writes it: letters, digits, _, and an import path's . / -.
func isPathRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '/' || r == '-'
}

// fullTypeName names t with its package's import path:
// github.com/acme/shop.ClientOrder, []*github.com/acme/shop.ClientOrder.
// Unnamed struct, func and interface types keep reflect's own form.
func fullTypeName(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name() // int, string, error
		}
		return t.PkgPath() + "." + t.Name()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + fullTypeName(t.Elem())
	case reflect.Slice:
		return "[]" + fullTypeName(t.Elem())
	case reflect.Array:
		return "[" + strconv.Itoa(t.Len()) + "]" + fullTypeName(t.Elem())
	case reflect.Map:
		return "map[" + fullTypeName(t.Key()) + "]" + fullTypeName(t.Elem())
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return "<-chan " + fullTypeName(t.Elem())
		case reflect.SendDir:
			return "chan<- " + fullTypeName(t.Elem())
		}
		if t.Elem().Kind() == reflect.Chan && t.Elem().ChanDir() == reflect.RecvDir {
			return "chan (" + fullTypeName(t.Elem()) + ")"
		}
		return "chan " + fullTypeName(t.Elem())
	}
	return t.String()
}
