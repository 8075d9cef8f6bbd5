module github.com/capwasi/capwasi/conformance

go 1.26.0

require (
	github.com/capwasi/capwasi/capstd v0.1.0
	github.com/capwasi/capwasi/capstd-sync v0.1.0
	github.com/capwasi/capwasi/common v0.1.0
	github.com/capwasi/capwasi/wazeroadapter v0.1.0
)

require (
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
