#!/bin/sh
# Captures the examples' output again as the inputs of spanlog's golden
# tests. Run it through go generate in cmd/spanlog, which then rewrites the
# goldens; review their diff before committing.
set -eu
cd "$(dirname "$0")/../../.."
for example in quickstart songs trading hybrid; do
	go run "./examples/$example" >"cmd/spanlog/testdata/$example.log"
done
