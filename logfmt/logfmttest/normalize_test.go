package logfmttest

import "testing"

func TestSortBySpanNameAndRenumber(t *testing.T) {
	in := "" +
		"level=INFO span_name=b span=00000000000000bb span_event=new_span trace_id=000000000000000000000000000000b1\n" +
		"level=INFO msg=outside\n" +
		"level=INFO span_name=a span=00000000000000aa span_event=new_span trace_id=000000000000000000000000000000a1 links=000000000000000000000000000000b1-00000000000000bb\n" +
		"level=INFO msg=\"in b\" span=00000000000000bb trace_id=000000000000000000000000000000b1\n" +
		"level=INFO msg=\"in a\" span=00000000000000aa trace_id=000000000000000000000000000000a1 note=00000000000000bb\n"
	want := "" +
		"level=INFO msg=outside\n" +
		"level=INFO span_name=a span=S1 span_event=new_span trace_id=T1 links=T2-S2\n" +
		"level=INFO msg=\"in a\" span=S1 trace_id=T1 note=00000000000000bb\n" +
		"level=INFO span_name=b span=S2 span_event=new_span trace_id=T2\n" +
		"level=INFO msg=\"in b\" span=S2 trace_id=T2\n"
	if got := string(RenumberIDs(SortBySpanName([]byte(in)))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
