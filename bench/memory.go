package main

import (
	"errors"
	"fmt"
	"time"
)

func memory(o options) error   { return errors.New("todo") }
func soak(o options) error     { return errors.New("todo") }
var _ = fmt.Sprint
var _ = time.Second
