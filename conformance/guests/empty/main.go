// Command empty does nothing: the startup rows of the cross-engine
// benchmark (package conformance/bench) time how long a runtime takes to
// run it. It has no build constraint, so that it also builds for the host,
// as the native reference.
package main

func main() {}
