module github.com/capwasi/capwasi/conformance

go 1.26

require (
	github.com/capwasi/capwasi/capstd v0.0.0
	github.com/capwasi/capwasi/capstd-sync v0.0.0
	github.com/capwasi/capwasi/common v0.0.0
	github.com/capwasi/capwasi/wazeroadapter v0.0.0
)

replace (
	github.com/capwasi/capwasi/capstd => ../capstd
	github.com/capwasi/capwasi/capstd-sync => ../capstd-sync
	github.com/capwasi/capwasi/common => ../common
	github.com/capwasi/capwasi/wazeroadapter => ../wazeroadapter
)
