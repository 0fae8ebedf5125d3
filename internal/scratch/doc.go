// Package scratch keeps the scratch files of Ferry processes that share one
// data folder apart, and removes what a crashed process left behind.
//
// Every process claims a folder of its own under each scratch root
// (<data>/tmp/proc-<id> for job work folders and spooled blobs,
// <data>/blobs/.tmp/proc-<id> for blobs being written) and holds an
// exclusive flock(2) on the lock file inside it for as long as it lives.
// The kernel drops the lock when the process dies, kill -9 included, so a
// sweeper that can take a folder's lock knows its owner is gone and
// removes the folder; a folder whose lock is held is never touched. A
// folder is claimed under its final name only once its lock file is
// locked (the lock file is locked first and then renamed into place), so
// a sweeper never mistakes a folder being claimed for a dead one.
//
// Older Ferry versions wrote their scratch entries (import-*, export-*,
// s3blob-*, blob-*) directly under the roots, with no lock: such an entry
// is removed once it is older than LegacyAge, longer than any job may run,
// so an older process still working on a shared folder keeps its files.
// Anything else under a root is left alone.
//
// The lock is an advisory flock. On NFS, Linux emulates it with NFS
// byte-range locks, which the server keeps while the client holding them
// is alive; those do not exclude their own process, so a sweep also skips
// the folders its process holds, which it knows without a lock.
package scratch
