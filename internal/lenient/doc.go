// Package lenient holds what the emulators accept beyond the standards,
// in one place, so that the emulators and the redactor read a body alike:
// the redactor must find a card number wherever an emulator would, or it
// stores what it cannot see.
package lenient
