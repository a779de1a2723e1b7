package logfmt

import "go.opentelemetry.io/otel/trace"

// hexPairs holds "00" to "ff", two bytes each: an ID byte is one lookup.
var hexPairs = func() (t [512]byte) {
	for i := range 256 {
		t[2*i], t[2*i+1] = hexDigits[i>>4], hexDigits[i&0xF]
	}
	return t
}()

// appendHex appends id as lowercase hex.
func appendHex(b []byte, id []byte) []byte {
	for _, c := range id {
		b = append(b, hexPairs[2*int(c)], hexPairs[2*int(c)+1])
	}
	return b
}

// appendIDs appends " span=<16 hex> trace_id=<32 hex>".
func appendIDs(b []byte, sc trace.SpanContext) []byte {
	b = appendSpanID(b, " span=", sc.SpanID())
	return appendTraceID(b, " trace_id=", sc.TraceID())
}

func appendSpanID(b []byte, key string, id trace.SpanID) []byte {
	return appendHex(append(b, key...), id[:])
}

func appendTraceID(b []byte, key string, id trace.TraceID) []byte {
	return appendHex(append(b, key...), id[:])
}
