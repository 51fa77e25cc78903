package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"

	"github.com/mockpay/mockpay/internal/audit"
)

// auditReceiver runs `mockpay audit-receiver`: it sends the merchant's
// callback endpoint the audit's battery and prints the verdicts. Exit
// status 0 when every case passed, 1 when any failed, 2 for usage errors.
func auditReceiver(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit-receiver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mockpay audit-receiver --provider liqpay|liquido --url URL [flags]")
		fs.PrintDefaults()
	}
	var c audit.Config
	var publicKey, privateKey, clientSecret, amount, junit string
	var asJSON bool
	fs.StringVar(&c.Provider, "provider", "", "liqpay or liquido")
	fs.StringVar(&c.URL, "url", "", "the receiver's callback endpoint")
	fs.StringVar(&c.Merchant, "merchant", "", "LiqPay public_key or Liquido client_id (default: the built-in merchant's)")
	fs.StringVar(&publicKey, "public-key", "", "LiqPay public_key (same as --merchant)")
	fs.StringVar(&privateKey, "private-key", "", "LiqPay private_key the callbacks are signed with (default sandbox_private_key)")
	fs.StringVar(&clientSecret, "client-secret", "", "Liquido client_secret the callbacks are signed with (default sandbox-client-secret)")
	fs.StringVar(&c.Order, "order", "", "an order the receiver knows: LiqPay order_id, Liquido idempotencyKey (default mockpay-audit-order)")
	fs.StringVar(&amount, "amount", "", "that order's amount as the callback carries it: LiqPay 100.00, Liquido 10000 in minor units (default the same)")
	fs.StringVar(&c.Currency, "currency", "", "that order's currency (default UAH for LiqPay, BRL for Liquido)")
	fs.IntVar(&c.Version, "version", 0, "LiqPay API version of the callbacks: 3 signs with SHA-1, 7 with SHA3-256 (default 3)")
	fs.DurationVar(&c.Timeout, "timeout", audit.DefaultTimeout, "how long the receiver gets to answer each callback")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&junit, "junit", "", "also write the report as JUnit XML to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(msg string) int {
		fmt.Fprintln(stderr, "mockpay audit-receiver:", msg)
		fs.Usage()
		return 2
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument " + strconv.Quote(fs.Arg(0)))
	}
	switch c.Provider {
	case "liqpay":
		if clientSecret != "" {
			return usageErr("--client-secret is Liquido's; LiqPay signs with --private-key")
		}
		if publicKey != "" && c.Merchant != "" && publicKey != c.Merchant {
			return usageErr("--public-key and --merchant name different merchants")
		}
		if publicKey != "" {
			c.Merchant = publicKey
		}
		c.Secret = privateKey
	case "liquido":
		if privateKey != "" || publicKey != "" || c.Version != 0 {
			return usageErr("--private-key, --public-key and --version are LiqPay's; Liquido signs with --client-secret")
		}
		c.Secret = clientSecret
	}
	if amount != "" {
		minor, err := audit.ParseAmount(c.Provider, amount)
		if err != nil {
			return usageErr(err.Error())
		}
		c.Amount = minor
	}
	if c.Timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if err := c.Check(); err != nil {
		return usageErr(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := audit.Run(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, "mockpay audit-receiver:", err)
		return 2
	}
	if asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteTable(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mockpay audit-receiver:", err)
		return 1
	}
	if junit != "" {
		if err := writeJUnit(junit, rep); err != nil {
			fmt.Fprintln(stderr, "mockpay audit-receiver:", err)
			return 1
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

func writeJUnit(path string, rep audit.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteJUnit(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
