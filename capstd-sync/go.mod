module github.com/capwasi/capwasi/capstd-sync

go 1.26.0

require (
	github.com/capwasi/capwasi/capstd v0.1.0
	github.com/capwasi/capwasi/common v0.1.0
	github.com/stretchr/testify v1.12.1
	golang.org/x/sys v0.50.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
