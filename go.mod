module github.com/tfrun/tfrun

go 1.26
