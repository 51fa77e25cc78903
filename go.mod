module github.com/mockpay/mockpay

go 1.26.8

require (
	github.com/brianvoe/gofakeit/v6 v6.28.0
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/mux v1.8.1
	gopkg.in/yaml.v3 v3.0.1
)
