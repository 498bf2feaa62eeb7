// Package tfevents writes and reads TensorBoard event files
// (events.out.tfevents.*) in pure Go, without TensorFlow's summary ops.
//
// An event file is a sequence of TFRecords: a little-endian uint64 length,
// the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data
// (mask: rotate right by 15 bits, add 0xa282ead8). Each record holds one
// Event protocol buffer; the first says file_version "brain.Event:2". Scalars
// are written as Summary values with simple_value, which TensorBoard reads
// (and migrates to its scalar plugin) as it reads Keras' own logs.
//
// Field numbers, from TensorBoard's event.proto and summary.proto: Event
// wall_time=1 (double), step=2 (int64), file_version=3, summary=5,
// session_log=7; Summary value=1; Summary.Value tag=1, simple_value=2 (float);
// SessionLog status=1 (START=1), msg=3.
//
// Files are append-only. Each record goes to the file in one write, and
// Flush syncs it, so a process killed at any moment leaves a file whose
// complete records all read back; at most a torn last record is lost, which
// TensorBoard's reader (and ReadFile, with ErrTruncated) stops at.
//
// A resumed run writes a SessionLog START event at the step it resumes
// from (Writer.Restart): TensorBoard then drops the events of every tag
// with larger or equal steps that an interrupted run had logged before its
// last checkpoint, so curves show no doubled epochs.
//
// The package is pure Go. A Writer is safe for concurrent use.
package tfevents
