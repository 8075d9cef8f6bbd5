module github.com/capwasi/capwasi/wazeroadapter

go 1.26

require github.com/capwasi/capwasi/common v0.0.0

require (
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	golang.org/x/sys v0.44.0 // indirect
)

replace github.com/capwasi/capwasi/common => ../common
