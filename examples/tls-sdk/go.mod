module github.com/mockpay/mockpay/examples/tls-sdk

go 1.26.8
