package main

import (
	"fmt"

	"github.com/ferryhq/ferry/internal/api"
)

func version() error {
	fmt.Println("ferry", api.Version)
	return nil
}
