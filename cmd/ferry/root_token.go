package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ferryhq/ferry/internal/server"
	"github.com/ferryhq/ferry/internal/store"
)

// resetRootToken is `ferry reset-root-token`: it gives the administrator
// root a new token and prints it once on standard output, for an
// administrator who lost theirs. Other tokens stay valid.
func resetRootToken(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reset-root-token", flag.ContinueOnError)
	data := fs.String("data", env("FERRY_DATA", "./data"), "data folder (FERRY_DATA)")
	database := fs.String("database", env("FERRY_DATABASE_URL", ""), "database; default <data>/ferry.db (FERRY_DATABASE_URL)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *database == "" {
		*database = filepath.Join(*data, "ferry.db")
		if _, err := os.Stat(*database); err != nil {
			return fmt.Errorf("reset-root-token: no Ferry database at %s (give --data or --database)", *database)
		}
	}
	if err := store.CheckURL(*database); err != nil {
		return usagef("--database: %v", err)
	}
	db, err := store.Open(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := server.ResetRootToken(ctx, db)
	if err != nil {
		return err
	}
	fmt.Println(token)
	return nil
}
