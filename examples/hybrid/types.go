package main

// Request is what the source sends the server over WebSocket.
type Request struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
}

// Result is a processed request; the echo service returns it, and the
// server acknowledges the request with it.
type Result struct {
	ID     int    `json:"id"`
	Digest string `json:"digest"`
}

// Job is a request on its way to a worker, with the connection to answer.
type Job struct {
	Request Request
	Reply   *replyQueue
}

// Outcome is a worker's result on its way to the echo client.
type Outcome struct {
	Result Result
	Reply  *replyQueue
}
