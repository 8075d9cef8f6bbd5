package capstd

const isLinux = true
