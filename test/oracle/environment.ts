import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';

/** What every real-QEMU test needs to know about this machine, and how it says what it skips. */

/** A message no one scrolling a CI log can miss. */
export function loud(message: string): void {
  const bar = '!'.repeat(Math.min(100, message.length + 8));
  console.warn(`\n${bar}\n!!! ${message}\n${bar}\n`);
}

/** KVM where /dev/kvm is usable, else TCG (scenarios that need KVM counts say so themselves). */
export function accelerator(): 'kvm' | 'tcg' {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return 'kvm';
  } catch {
    return 'tcg';
  }
}

/** Quotes a word for a shell command line only where it needs it, so logs stay readable. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=,:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Registers what a suite does when QEMU is not installed: in CI that is a failure (CI must install
 * it), elsewhere a loud skip that names what was not compared.
 */
export function reportMissingQemu(suite: string, binary: string, skipped: string): void {
  const message = `${suite.toUpperCase()}: ${binary} is not installed (run scripts/install-qemu.sh as root)`;
  if (process.env.CI === 'true') {
    test(`${suite}: QEMU is installed (required in CI)`, () => assert.fail(message));
  } else {
    loud(`${message}; SKIPPING ${skipped}`);
    test(`${suite} against real QEMU`, { skip: message }, () => undefined);
  }
}

/**
 * The libvirt sibling of reportMissingQemu: without libvirt (or without what the oracle needs to
 * run its own daemon) CI fails, elsewhere the suite is skipped loudly.
 */
export function reportMissingLibvirt(suite: string, why: string, skipped: string): void {
  const message = `${suite.toUpperCase()}: ${why} (run scripts/install-libvirt.sh as root)`;
  if (process.env.CI === 'true') {
    test(`${suite}: libvirt is usable (required in CI)`, () => assert.fail(message));
  } else {
    loud(`${message}; SKIPPING ${skipped}`);
    test(`${suite} against real libvirt`, { skip: message }, () => undefined);
  }
}
