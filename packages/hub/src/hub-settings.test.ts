import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HUB_ENDPOINT, hubSettings } from './hub-settings.js';

describe('hubSettings', () => {
  it('finds the cache as huggingface_hub does: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME, ~/.cache', () => {
    const cache = (env: Record<string, string>) => hubSettings({ env }).cacheDir;
    expect(cache({ HF_HUB_CACHE: '/c', HF_HOME: '/h', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(cache({ HUGGINGFACE_HUB_CACHE: '/old', HF_HOME: '/h' })).toBe('/old');
    expect(cache({ HF_HUB_CACHE: '/c', HUGGINGFACE_HUB_CACHE: '/old' })).toBe('/c');
    expect(cache({ HF_HOME: '/h', XDG_CACHE_HOME: '/x' })).toBe('/h/hub');
    expect(cache({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/hub');
    expect(cache({})).toBe(join(homedir(), '.cache/huggingface/hub'));
    expect(cache({ HF_HOME: '~/hf' })).toBe(join(homedir(), 'hf/hub'));
    expect(cache({ HF_HUB_CACHE: '', HF_HOME: '/h' })).toBe('/h/hub'); // set but empty counts as unset
    expect(hubSettings({ env: { HF_HUB_CACHE: '/c' }, cacheDir: '/opt' }).cacheDir).toBe('/opt');
  });

  it('reads the endpoint, token, token file and offline switches', () => {
    expect(hubSettings({ env: {} })).toMatchObject({
      endpoint: DEFAULT_HUB_ENDPOINT,
      token: undefined,
      offline: false,
      tokenPath: join(homedir(), '.cache/huggingface/token'),
    });
    const s = hubSettings({
      env: { HF_ENDPOINT: 'http://mirror:8080//', HF_TOKEN: 't', HF_HOME: '/h', HF_HUB_OFFLINE: 'yes' },
    });
    expect(s).toMatchObject({
      endpoint: 'http://mirror:8080',
      token: 't',
      tokenPath: '/h/token',
      offline: true,
    });
    expect(hubSettings({ env: { HF_TOKEN_PATH: '/t' } }).tokenPath).toBe('/t');
    for (const value of ['1', 'ON', 'true', 'Yes']) {
      expect(hubSettings({ env: { HF_HUB_OFFLINE: value } }).offline).toBe(true);
      expect(hubSettings({ env: { TRANSFORMERS_OFFLINE: value } }).offline).toBe(true);
    }
    for (const value of ['0', 'false', 'no', ''])
      expect(hubSettings({ env: { HF_HUB_OFFLINE: value } }).offline).toBe(false);
    expect(hubSettings({ env: { HF_HUB_OFFLINE: '1' }, offline: false }).offline).toBe(false);
  });
});
