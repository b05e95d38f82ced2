module raet.io/raetsdk

go 1.19
