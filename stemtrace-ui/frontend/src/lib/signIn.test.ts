import { describe, expect, it } from 'vitest';
import { SIGN_IN_RELOAD_KEY, shouldReloadForSignIn } from './signIn';

function memoryStore(): { getItem(k: string): string | null; setItem(k: string, v: string): void; data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('shouldReloadForSignIn', () => {
  it('allows the first reload and notes when', () => {
    const store = memoryStore();
    expect(shouldReloadForSignIn(store, 1_000_000)).toBe(true);
    expect(store.data.get(SIGN_IN_RELOAD_KEY)).toBe('1000000');
  });

  it('refuses another reload within the interval, allows one after it', () => {
    const store = memoryStore();
    expect(shouldReloadForSignIn(store, 1_000_000, 30_000)).toBe(true);
    expect(shouldReloadForSignIn(store, 1_029_999, 30_000)).toBe(false);
    expect(shouldReloadForSignIn(store, 1_030_000, 30_000)).toBe(true);
  });

  it('ignores a garbled note', () => {
    const store = memoryStore();
    store.setItem(SIGN_IN_RELOAD_KEY, 'yesterday');
    expect(shouldReloadForSignIn(store, 5)).toBe(true);
  });
});
