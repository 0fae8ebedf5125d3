package main

import (
	"testing"

	"github.com/ferryhq/ferry/internal/testenv"
)

// TestMain says which tests were skipped for want of a real part.
func TestMain(m *testing.M) { testenv.Main(m) }
