package redact

import "testing"

func TestMatch(t *testing.T) {
	k := New("password", "Authorization", "")
	for key, want := range map[string]bool{
		"password": true, "PASSWORD": true, "user.password": true,
		"http.request.header.authorization": true, "passwords": false,
		"password.hint": false, "": false, "token": false,
		"metric_label_password": true, "mypassword": false, "user-password": false,
	} {
		if got := k.Match(key); got != want {
			t.Errorf("Match(%q) = %v, want %v", key, got, want)
		}
	}
	var none *Keys
	if none.Match("password") {
		t.Error("a nil set matched")
	}
}
