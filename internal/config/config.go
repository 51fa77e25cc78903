// Package config holds mockpay's one configuration struct, its defaults, and
// the three ways to fill it: command-line flags, MOCKPAY_* environment
// variables, and a YAML file. Precedence: flag > environment > file > default.
//
// It knows the shape of merchant credentials for each provider but nothing
// about how they are used.
package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Default merchant credentials, part of the public contract (DESIGN.md).
const (
	DefaultLiqPayPublicKey     = "sandbox_i00000000"
	DefaultLiqPayPrivateKey    = "sandbox_private_key"
	DefaultLiquidoClientID     = "sandbox-client-id"
	DefaultLiquidoClientSecret = "sandbox-client-secret"
	DefaultLiquidoAPIKey       = "sandbox-api-key"
	DefaultAddr                = "127.0.0.1:8470"
	DefaultOTP                 = "123456"
	// Retention defaults (--retain-payments, --retain-age).
	DefaultRetainPayments = 10_000
	DefaultRetainAge      = 24 * time.Hour
	// DefaultMaxMerchants caps merchants made with POST /_mockpay/merchants
	// (--max-merchants): a CI fleet that makes one per test and never
	// deletes it would otherwise grow without bound.
	DefaultMaxMerchants = 10_000
)

// Config is everything mockpay can be told at start-up.
type Config struct {
	Addr     string `yaml:"-"`         // --addr / MOCKPAY_ADDR only: where to listen
	File     string `yaml:"-"`         // --config / MOCKPAY_CONFIG: the YAML file read
	LogLevel string `yaml:"log_level"` // debug|info|warn|error
	// Seed makes generated values (ids, auth codes, RRNs) repeatable. 0 picks
	// a random seed at start-up and prints it, so a run can be repeated.
	Seed int64 `yaml:"seed"`
	// BaseURL is the public URL of this server as a browser reaches it, used
	// in redirect_to links. Empty: derived from each request's Host header.
	BaseURL string `yaml:"base_url"`

	LiqPay  LiqPay  `yaml:"liqpay"`
	Liquido Liquido `yaml:"liquido"`
	// ScenarioDirs are folders (or files) of YAML scenarios, searched in
	// this order. Relative paths in the file are relative to the file.
	ScenarioDirs []string  `yaml:"scenarios"`
	Callbacks    Callbacks `yaml:"callbacks"`
	// AdminToken, when set, is required as "Authorization: Bearer …" on the
	// control plane (/_mockpay/ except health).
	AdminToken string `yaml:"admin_token"`
	// AllowedHosts are the Host names, besides loopback ones, the control
	// plane answers (against DNS rebinding); "*" allows any.
	AllowedHosts []string `yaml:"allowed_hosts"`
	// StateFile, when set, keeps mockpay's state across restarts: saved
	// every StateInterval and at shutdown, restored at start. Empty: nothing
	// touches the disk. Relative in the file: relative to the file.
	StateFile     string   `yaml:"state_file"`
	StateInterval Duration `yaml:"state_interval"`
	// JournalMax is how many requests the journal keeps per merchant.
	JournalMax int `yaml:"journal_max"`
	// BundleOnExit, when set, is a folder where serve writes one run bundle
	// (GET /_mockpay/bundle) per merchant that made a request, at shutdown.
	// Relative in the file: relative to the file.
	BundleOnExit string `yaml:"bundle_on_exit"`
	// RetainPayments is how many payments mockpay keeps per merchant
	// (Liquido payouts and payment links count with them): past it the
	// oldest finished ones are forgotten (0: no limit); it also caps card
	// tokens, vaulted cards, FX proposals, references, accounts and the
	// callback log. RetainAge forgets finished payments, payouts, links and
	// callbacks made longer ago than this, in real time (0: no limit). See
	// server/retention.go and the README's Retention section.
	RetainPayments int      `yaml:"retain_payments"`
	RetainAge      Duration `yaml:"retain_age"`
	// MaxMerchants is how many merchants POST /_mockpay/merchants may have
	// made and not yet deleted (0: no limit); past it, it answers 409.
	MaxMerchants int `yaml:"max_merchants"`

	// TLS serves HTTPS with a certificate made at start for the providers'
	// real host names (see internal/tlscert); TLSCert and TLSKey serve the
	// given files instead (and imply TLS). TLSCAOut is where the made CA is
	// written (empty: DefaultCAOut()).
	TLS      bool   `yaml:"tls"`
	TLSCert  string `yaml:"tls_cert"`
	TLSKey   string `yaml:"tls_key"`
	TLSCAOut string `yaml:"tls_ca_out"`
}

// ServesTLS reports whether mockpay serves HTTPS.
func (c Config) ServesTLS() bool { return c.TLS || c.TLSCert != "" }

// DefaultCAOut is where --tls writes its CA when --tls-ca-out is not set:
// the OS temporary folder, which exists and is writable for a non-root
// user in a container, where the working directory often is not.
func DefaultCAOut() string { return filepath.Join(os.TempDir(), "mockpay-ca.pem") }

// LiqPay configures the LiqPay emulator.
type LiqPay struct {
	Merchants []LiqPayMerchant `yaml:"merchants"`
	// OTP is the one-time password that confirms an otp_verify step.
	OTP string `yaml:"otp"`
	// Verification deadlines on the virtual clock.
	ThreeDSTTL  Duration `yaml:"threeds_ttl"`
	OTPTTL      Duration `yaml:"otp_ttl"`
	CVVTTL      Duration `yaml:"cvv_ttl"`
	SenderTTL   Duration `yaml:"sender_ttl"`
	OTPAttempts int      `yaml:"otp_attempts"`
}

// LiqPayMerchant is one LiqPay shop's credentials.
type LiqPayMerchant struct {
	PublicKey  string `yaml:"public_key"`
	PrivateKey string `yaml:"private_key"`
	// ServerURL is the default callback URL when a request has no server_url.
	ServerURL string `yaml:"server_url"`
	// Callbacks overrides the delivery policy for this merchant.
	Callbacks *Callbacks `yaml:"callbacks"`
	line      int
}

// Liquido configures the Liquido emulator.
type Liquido struct {
	Merchants []LiquidoMerchant `yaml:"merchants"`
}

// LiquidoMerchant is one Liquido merchant's credentials.
type LiquidoMerchant struct {
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	APIKey       string `yaml:"api_key"`
	CallbackURL  string `yaml:"callback_url"`
	// Callbacks overrides the delivery policy for this merchant.
	Callbacks *Callbacks `yaml:"callbacks"`
	// TaxWithholding adds Colombia's 2 % CO_IVA_TAX on top of CO card
	// charges (reference liquido.md §12). Unset: on for the built-in
	// default merchant (so the seed example reproduces), off for others.
	TaxWithholding *bool `yaml:"tax_withholding"`
	line           int
}

// Withholds reports whether the merchant's CO card charges carry tax
// withholding.
func (m LiquidoMerchant) Withholds() bool {
	if m.TaxWithholding != nil {
		return *m.TaxWithholding
	}
	return m.ClientID == DefaultLiquidoClientID
}

// Callbacks is the callback delivery policy: each attempt times out after
// Timeout; a failed attempt is retried after each Backoff delay in turn, and
// the callback fails when they run out (len(Backoff)+1 attempts).
type Callbacks struct {
	Timeout Duration   `yaml:"timeout"`
	Backoff []Duration `yaml:"backoff"`
}

// For returns the policy of one merchant: its own fields where set, the
// global ones otherwise.
func (c Callbacks) For(override *Callbacks) Callbacks {
	if override == nil {
		return c
	}
	out := c
	if override.Timeout > 0 {
		out.Timeout = override.Timeout
	}
	if override.Backoff != nil {
		out.Backoff = override.Backoff
	}
	return out
}

// Durations returns Backoff as standard durations.
func (c Callbacks) Durations() []time.Duration {
	out := make([]time.Duration, len(c.Backoff))
	for i, d := range c.Backoff {
		out[i] = d.Std()
	}
	return out
}

// Duration is a time.Duration written as "90s" or "15m" in YAML.
type Duration time.Duration

// UnmarshalYAML accepts Go duration strings.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration like 90s or 15m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Std returns the standard library duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:       DefaultAddr,
		LogLevel:   "info",
		JournalMax: 1000,
		// Defaults a CI fleet sharing one instance for days stays flat
		// with: far more payments than one test run makes.
		RetainPayments: DefaultRetainPayments,
		RetainAge:      Duration(DefaultRetainAge),
		MaxMerchants:   DefaultMaxMerchants,
		LiqPay: LiqPay{
			OTP:         DefaultOTP,
			ThreeDSTTL:  Duration(15 * time.Minute),
			OTPTTL:      Duration(5 * time.Minute),
			CVVTTL:      Duration(5 * time.Minute),
			SenderTTL:   Duration(15 * time.Minute),
			OTPAttempts: 3,
		},
		StateInterval: Duration(30 * time.Second),
		Callbacks: Callbacks{
			Timeout: Duration(10 * time.Second),
			Backoff: []Duration{Duration(time.Second), Duration(5 * time.Second), Duration(30 * time.Second),
				Duration(2 * time.Minute), Duration(10 * time.Minute), Duration(30 * time.Minute), Duration(time.Hour)},
		},
	}
}

// LiqPayMerchants returns the built-in default shop followed by the
// configured ones; a configured shop with the default public key replaces it.
func (c Config) LiqPayMerchants() []LiqPayMerchant {
	out := []LiqPayMerchant{{PublicKey: DefaultLiqPayPublicKey, PrivateKey: DefaultLiqPayPrivateKey}}
	for _, m := range c.LiqPay.Merchants {
		if m.PublicKey == DefaultLiqPayPublicKey {
			out[0] = m
			continue
		}
		out = append(out, m)
	}
	return out
}

// LiquidoMerchants returns the built-in default merchant followed by the
// configured ones; a configured merchant with the default client_id replaces it.
func (c Config) LiquidoMerchants() []LiquidoMerchant {
	out := []LiquidoMerchant{{ClientID: DefaultLiquidoClientID, ClientSecret: DefaultLiquidoClientSecret, APIKey: DefaultLiquidoAPIKey}}
	for _, m := range c.Liquido.Merchants {
		if m.ClientID == DefaultLiquidoClientID {
			out[0] = m
			continue
		}
		out = append(out, m)
	}
	return out
}

// Flag describes one command-line flag and its environment twin; the README's
// configuration table is tested against this list.
type Flag struct {
	Name, Env, Usage string
}

// Flags lists every flag serve accepts.
func Flags() []Flag {
	return []Flag{
		{"addr", "MOCKPAY_ADDR", "address to listen on (host:port)"},
		{"config", "MOCKPAY_CONFIG", "YAML configuration file"},
		{"seed", "MOCKPAY_SEED", "seed for generated values; 0 picks one and prints it"},
		{"base-url", "MOCKPAY_BASE_URL", "public base URL used in redirect links (default: from the request's Host)"},
		{"log-level", "MOCKPAY_LOG_LEVEL", "debug, info, warn or error"},
		{"otp", "MOCKPAY_OTP", "OTP that confirms LiqPay otp_verify"},
		{"scenarios", "MOCKPAY_SCENARIOS", "scenario folders or files, comma-separated (added to the config file's)"},
		{"admin-token", "MOCKPAY_ADMIN_TOKEN", "token required as Authorization: Bearer on the control plane"},
		{"allowed-hosts", "MOCKPAY_ALLOWED_HOSTS", "Host names the control plane answers besides loopback, comma-separated; * for any"},
		{"state-file", "MOCKPAY_STATE_FILE", "keep state across restarts in this file (saved periodically and at shutdown)"},
		{"state-interval", "MOCKPAY_STATE_INTERVAL", "how often the state file is saved while running (default 30s)"},
		{"journal-max", "MOCKPAY_JOURNAL_MAX", "requests the journal keeps per merchant (default 1000)"},
		{"bundle-on-exit", "MOCKPAY_BUNDLE_ON_EXIT", "at shutdown, write a run bundle (HAR) per merchant that made a request into this folder"},
		{"retain-payments", "MOCKPAY_RETAIN_PAYMENTS", "payments (with payouts and payment links) kept per merchant; past it the oldest finished ones are forgotten (default 10000, 0: no limit)"},
		{"max-merchants", "MOCKPAY_MAX_MERCHANTS", "merchants POST /_mockpay/merchants may have made and not deleted; past it, it answers 409 (default 10000, 0: no limit)"},
		{"retain-age", "MOCKPAY_RETAIN_AGE", "forget finished payments, payouts, links and callbacks made longer ago than this, real time (default 24h, 0: never)"},
		{"tls", "MOCKPAY_TLS", "serve HTTPS with a certificate made at start for www.liqpay.ua, the Liquido hosts and localhost"},
		{"tls-cert", "MOCKPAY_TLS_CERT", "serve HTTPS with this PEM certificate (chain) instead; needs --tls-key"},
		{"tls-key", "MOCKPAY_TLS_KEY", "the PEM private key of --tls-cert"},
		{"tls-ca-out", "MOCKPAY_TLS_CA_OUT", "write the CA of --tls here (default: mockpay-ca.pem in the OS temp folder)"},
	}
}

// Error is a configuration problem with its position in the file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	if e.File != "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

// Parse fills a Config from args, the environment (getenv) and the YAML file
// named by --config or MOCKPAY_CONFIG. Problems come back as *Error or as the
// flag package's error.
func Parse(name string, args []string, getenv func(string) string) (Config, error) {
	cfg := Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	var (
		addr     = fs.String("addr", "", "")
		file     = fs.String("config", "", "")
		seed     = fs.String("seed", "", "")
		baseURL  = fs.String("base-url", "", "")
		logLevel = fs.String("log-level", "", "")
		otp      = fs.String("otp", "", "")
		scen     = fs.String("scenarios", "", "")
		admin    = fs.String("admin-token", "", "")
		hosts    = fs.String("allowed-hosts", "", "")
		state    = fs.String("state-file", "", "")
		interval = fs.String("state-interval", "", "")
		jmax     = fs.String("journal-max", "", "")
		bundles  = fs.String("bundle-on-exit", "", "")
		retainN  = fs.String("retain-payments", "", "")
		retainT  = fs.String("retain-age", "", "")
		maxMerch = fs.String("max-merchants", "", "")
		useTLS   = fs.Bool("tls", false, "")
		tlsCert  = fs.String("tls-cert", "", "")
		tlsKey   = fs.String("tls-key", "", "")
		caOut    = fs.String("tls-ca-out", "", "")
	)
	for _, f := range Flags() {
		fs.Lookup(f.Name).Usage = f.Usage
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// Fill unset flags from their environment twins.
	for _, f := range Flags() {
		if set[f.Name] {
			continue
		}
		if v := getenv(f.Env); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				return cfg, fmt.Errorf("%s=%q: %v", f.Env, v, err)
			}
			set[f.Name] = true
		}
	}

	if *file != "" {
		if err := cfg.loadFile(*file); err != nil {
			return cfg, err
		}
		cfg.File = *file
	}
	if set["addr"] {
		cfg.Addr = *addr
	}
	if set["seed"] {
		n, err := strconv.ParseInt(*seed, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("seed %q is not an integer", *seed)
		}
		cfg.Seed = n
	}
	if set["base-url"] {
		cfg.BaseURL = *baseURL
	}
	if set["log-level"] {
		cfg.LogLevel = *logLevel
	}
	if set["otp"] {
		cfg.LiqPay.OTP = *otp
	}
	if set["scenarios"] {
		for _, p := range strings.Split(*scen, ",") {
			if p = strings.TrimSpace(p); p != "" {
				cfg.ScenarioDirs = append(cfg.ScenarioDirs, p)
			}
		}
	}
	if set["admin-token"] {
		cfg.AdminToken = *admin
	}
	if set["allowed-hosts"] {
		cfg.AllowedHosts = nil
		for _, h := range strings.Split(*hosts, ",") {
			if h = strings.TrimSpace(h); h != "" {
				cfg.AllowedHosts = append(cfg.AllowedHosts, h)
			}
		}
	}
	if set["state-file"] {
		cfg.StateFile = *state
	}
	if set["state-interval"] {
		d, err := time.ParseDuration(*interval)
		if err != nil {
			return cfg, fmt.Errorf("state interval %q is not a duration like 30s or 5m", *interval)
		}
		cfg.StateInterval = Duration(d)
	}
	if set["journal-max"] {
		n, err := strconv.Atoi(*jmax)
		if err != nil || n < 1 || n > 1_000_000 {
			return cfg, fmt.Errorf("journal-max %q must be an integer from 1 to 1000000", *jmax)
		}
		cfg.JournalMax = n
	}
	if set["bundle-on-exit"] {
		cfg.BundleOnExit = *bundles
	}
	if set["retain-payments"] {
		n, err := strconv.Atoi(*retainN)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("retain-payments %q must be a non-negative integer (0: no limit)", *retainN)
		}
		cfg.RetainPayments = n
	}
	if set["max-merchants"] {
		n, err := strconv.Atoi(*maxMerch)
		if err != nil || n < 0 {
			return cfg, fmt.Errorf("max-merchants %q must be a non-negative integer (0: no limit)", *maxMerch)
		}
		cfg.MaxMerchants = n
	}
	if set["retain-age"] {
		d, err := time.ParseDuration(*retainT)
		if err != nil || d < 0 {
			return cfg, fmt.Errorf("retain-age %q is not a duration like 24h or 90m (0: never)", *retainT)
		}
		cfg.RetainAge = Duration(d)
	}
	if set["tls"] {
		cfg.TLS = *useTLS
	}
	if set["tls-cert"] {
		cfg.TLSCert = *tlsCert
	}
	if set["tls-key"] {
		cfg.TLSKey = *tlsKey
	}
	if set["tls-ca-out"] {
		cfg.TLSCAOut = *caOut
	}
	return cfg, cfg.validateFlags()
}

func (c Config) validateFlags() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log level %q is not debug, info, warn or error", c.LogLevel)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base URL %q is not an http(s) URL", c.BaseURL)
		}
	}
	if c.LiqPay.OTP == "" {
		return errors.New("otp must not be empty")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("tls-cert and tls-key go together: give both or neither")
	}
	if c.StateInterval < Duration(time.Second) {
		return fmt.Errorf("state interval %s is below 1s", c.StateInterval.Std())
	}
	return nil
}

var (
	yamlLine = regexp.MustCompile(`line (\d+): (.*)`)
	// yaml.v3 names Go types in its messages; users know YAML keys, not types.
	yamlType = regexp.MustCompile(` in type [\w.\[\]]+`)
)

// loadFile reads the YAML file over the defaults, rejecting unknown keys so a
// typo never silently does nothing.
func (c *Config) loadFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return &Error{File: path, Msg: err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	// An empty file decodes as io.EOF: it is an empty configuration.
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return yamlError(path, err)
	}
	// Scenario folders named in the file are relative to the file, as in
	// docker-compose, so a config and its scenarios move together.
	for i, d := range c.ScenarioDirs {
		if !filepath.IsAbs(d) {
			c.ScenarioDirs[i] = filepath.Join(filepath.Dir(path), d)
		}
	}
	if c.StateFile != "" && !filepath.IsAbs(c.StateFile) {
		c.StateFile = filepath.Join(filepath.Dir(path), c.StateFile)
	}
	if c.BundleOnExit != "" && !filepath.IsAbs(c.BundleOnExit) {
		c.BundleOnExit = filepath.Join(filepath.Dir(path), c.BundleOnExit)
	}
	for _, p := range []*string{&c.TLSCert, &c.TLSKey, &c.TLSCAOut} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(filepath.Dir(path), *p)
		}
	}
	// Line numbers for semantic checks come from the node tree.
	var root yaml.Node
	_ = yaml.Unmarshal(raw, &root)
	c.attachLines(&root)
	return c.validate(path)
}

func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	// Report the first problem with its line; yaml.v3 lists one per line.
	first := strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0])
	if m := yamlLine.FindStringSubmatch(first); m != nil {
		line, _ := strconv.Atoi(m[1])
		text := yamlType.ReplaceAllString(m[2], "")
		return &Error{File: path, Line: line, Msg: strings.TrimSpace(text)}
	}
	return &Error{File: path, Msg: first}
}

// attachLines records where each merchant entry starts, for error messages.
func (c *Config) attachLines(root *yaml.Node) {
	seq := func(provider string) []*yaml.Node {
		n := mapValue(mapValue(docRoot(root), provider), "merchants")
		if n == nil || n.Kind != yaml.SequenceNode {
			return nil
		}
		return n.Content
	}
	for i, n := range seq("liqpay") {
		if i < len(c.LiqPay.Merchants) {
			c.LiqPay.Merchants[i].line = n.Line
		}
	}
	for i, n := range seq("liquido") {
		if i < len(c.Liquido.Merchants) {
			c.Liquido.Merchants[i].line = n.Line
		}
	}
}

func docRoot(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func (c *Config) validate(path string) error {
	bad := func(line int, format string, a ...any) error {
		return &Error{File: path, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if c.JournalMax < 1 || c.JournalMax > 1_000_000 {
		return bad(0, "journal_max must be from 1 to 1000000")
	}
	if c.MaxMerchants < 0 {
		return bad(0, "max_merchants must not be negative (0: no limit)")
	}
	if c.RetainPayments < 0 || c.RetainAge < 0 {
		return bad(0, "retain_payments and retain_age must not be negative (0: no limit)")
	}
	seen := map[string]int{}
	for _, m := range c.LiqPay.Merchants {
		switch {
		case m.PublicKey == "":
			return bad(m.line, "liqpay merchant needs a public_key")
		case m.PrivateKey == "":
			return bad(m.line, "liqpay merchant %q needs a private_key", m.PublicKey)
		case seen[m.PublicKey] > 0:
			return bad(m.line, "liqpay public_key %q is already defined on line %d", m.PublicKey, seen[m.PublicKey])
		}
		seen[m.PublicKey] = m.line
		if err := checkURL(m.ServerURL); err != nil {
			return bad(m.line, "liqpay merchant %q: server_url %v", m.PublicKey, err)
		}
	}
	seen = map[string]int{}
	keys := map[string]int{}
	for _, m := range c.Liquido.Merchants {
		switch {
		case m.ClientID == "":
			return bad(m.line, "liquido merchant needs a client_id")
		case m.ClientSecret == "":
			return bad(m.line, "liquido merchant %q needs a client_secret", m.ClientID)
		case m.APIKey == "":
			return bad(m.line, "liquido merchant %q needs an api_key", m.ClientID)
		case seen[m.ClientID] > 0:
			return bad(m.line, "liquido client_id %q is already defined on line %d", m.ClientID, seen[m.ClientID])
		case keys[m.APIKey] > 0:
			return bad(m.line, "liquido api_key of %q is already used on line %d", m.ClientID, keys[m.APIKey])
		}
		seen[m.ClientID] = m.line
		keys[m.APIKey] = m.line
		if err := checkURL(m.CallbackURL); err != nil {
			return bad(m.line, "liquido merchant %q: callback_url %v", m.ClientID, err)
		}
	}
	for _, m := range c.LiqPay.Merchants {
		if err := m.Callbacks.check(); err != nil {
			return bad(m.line, "liqpay merchant %q: callbacks: %v", m.PublicKey, err)
		}
	}
	for _, m := range c.Liquido.Merchants {
		if err := m.Callbacks.check(); err != nil {
			return bad(m.line, "liquido merchant %q: callbacks: %v", m.ClientID, err)
		}
	}
	if err := c.Callbacks.check(); err != nil {
		return bad(0, "callbacks: %v", err)
	}
	if c.LiqPay.OTP == "" {
		return bad(0, "liqpay.otp must not be empty")
	}
	if c.LiqPay.OTPAttempts < 1 {
		return bad(0, "liqpay.otp_attempts must be at least 1")
	}
	for _, d := range []Duration{c.LiqPay.ThreeDSTTL, c.LiqPay.OTPTTL, c.LiqPay.CVVTTL, c.LiqPay.SenderTTL, c.Callbacks.Timeout} {
		if d <= 0 {
			return bad(0, "durations must be positive")
		}
	}
	return nil
}

func (c *Callbacks) check() error {
	if c == nil {
		return nil
	}
	if len(c.Backoff) > 100 {
		return errors.New("at most 100 backoff steps")
	}
	for _, d := range c.Backoff {
		if d <= 0 {
			return errors.New("backoff delays must be positive")
		}
	}
	return nil
}

func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

// Usage writes the flag table for --help.
func Usage() string {
	var b strings.Builder
	for _, f := range Flags() {
		fmt.Fprintf(&b, "  --%-14s %-22s %s\n", f.Name, f.Env, f.Usage)
	}
	return b.String()
}
