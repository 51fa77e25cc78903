// Package mockpaycontainer starts mockpay's Docker image for a test with
// Testcontainers for Go, and waits until it answers /_mockpay/health.
//
//	c, err := mockpaycontainer.Start(ctx)
//	defer c.Terminate(ctx)
//	// LiqPay: c.URL + "/api/request"; Liquido: c.URL + "/oauth2/token", c.URL + "/v1/..."
package mockpaycontainer

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// DefaultImage is the image Start runs unless MOCKPAY_IMAGE names another:
// the one `docker build -t mockpay:local .` makes at the repository root.
const DefaultImage = "mockpay:local"

// port is the port the image listens on (its MOCKPAY_ADDR is 0.0.0.0:8470).
const port = "8470/tcp"

// Container is a running mockpay with the base URL the host reaches it at.
type Container struct {
	testcontainers.Container
	// URL is the base URL on the host, e.g. "http://localhost:32771": point
	// LiqPay clients at URL+"/api/" and Liquido clients at URL.
	URL string
}

// Start runs mockpay and returns once /_mockpay/health answers 200. Extra
// customizers are applied after the defaults, e.g.
// testcontainers.WithEnv(map[string]string{"MOCKPAY_SEED": "42"}).
// The caller terminates the container (testcontainers.CleanupContainer(t, c)
// in a test).
func Start(ctx context.Context, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	image := os.Getenv("MOCKPAY_IMAGE")
	if image == "" {
		image = DefaultImage
	}
	defaults := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(port),
		testcontainers.WithWaitStrategy(
			wait.ForHTTP("/_mockpay/health").WithPort(port).WithStartupTimeout(30 * time.Second),
		),
	}
	ctr, err := testcontainers.Run(ctx, image, append(defaults, opts...)...)
	if ctr == nil {
		return nil, fmt.Errorf("mockpay container: %w", err)
	}
	c := &Container{Container: ctr}
	if err != nil {
		return c, fmt.Errorf("mockpay container: %w", err)
	}
	if c.URL, err = ctr.PortEndpoint(ctx, port, "http"); err != nil {
		return c, fmt.Errorf("mockpay container: %w", err)
	}
	return c, nil
}
