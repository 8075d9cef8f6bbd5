module github.com/capwasi/capwasi/common

go 1.26
