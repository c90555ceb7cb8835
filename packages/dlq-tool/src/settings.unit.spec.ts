import { describe, expect, it } from 'vitest';
import { DlqToolError } from './errors';
import { redactUrl, resolveSettings } from './settings';

describe('resolveSettings', () => {
  it('defaults to the local broker and the loja vhost', () => {
    expect(resolveSettings({})).toEqual({
      vhost: 'loja',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/loja',
      managementUrl: 'http://guest:guest@127.0.0.1:15672',
    });
  });

  it('takes the vhost from --vhost, then RABBITMQ_URL, then STORE_NAMESPACE', () => {
    const env = { RABBITMQ_URL: 'amqp://u:p@broker:5672/shop', RABBITMQ_MANAGEMENT_URL: 'http://u:p@broker:15672' };
    expect(resolveSettings(env)).toMatchObject({ vhost: 'shop', amqpUrl: 'amqp://u:p@broker:5672/shop' });
    expect(resolveSettings(env, 'other')).toMatchObject({ vhost: 'other', amqpUrl: 'amqp://u:p@broker:5672/other' });
    expect(resolveSettings({ RABBITMQ_URL: 'amqp://u:p@broker:5672', STORE_NAMESPACE: 'demo' })).toMatchObject({
      vhost: 'demo',
      amqpUrl: 'amqp://u:p@broker:5672/demo',
    });
    expect(resolveSettings({ RABBITMQ_URL: 'amqp://u:p@broker:5672/', STORE_NAMESPACE: 'demo' }).vhost).toBe('demo');
    expect(resolveSettings({ RABBITMQ_URL: 'amqp://u:p@broker/shop', STORE_NAMESPACE: 'shop' }).vhost).toBe('shop');
  });

  it('decodes and encodes the vhost in the URL', () => {
    expect(resolveSettings({ RABBITMQ_URL: 'amqp://u:p@broker/%2F' })).toMatchObject({
      vhost: '/',
      amqpUrl: 'amqp://u:p@broker/%2F',
    });
  });

  it('refuses to guess when RABBITMQ_URL and STORE_NAMESPACE disagree, unless --vhost decides', () => {
    const env = { RABBITMQ_URL: 'amqp://u:p@broker/shop', STORE_NAMESPACE: 'demo' };
    expect(() => resolveSettings(env)).toThrow(/RABBITMQ_URL names vhost "shop" but STORE_NAMESPACE is "demo"/);
    expect(resolveSettings(env, 'demo').vhost).toBe('demo');
  });

  it('rejects URLs that are not URLs, as a usage error', () => {
    const attempt = () => resolveSettings({ RABBITMQ_URL: 'not a url' });
    expect(attempt).toThrow(DlqToolError);
    expect(attempt).toThrow(/RABBITMQ_URL is not a valid URL/);
    expect(() => resolveSettings({ RABBITMQ_MANAGEMENT_URL: '::' })).toThrow(/RABBITMQ_MANAGEMENT_URL/);
  });
});

describe('redactUrl', () => {
  it('drops the password and keeps the rest', () => {
    expect(redactUrl('amqp://guest:s3cret@broker:5672/loja')).toBe('amqp://guest@broker:5672/loja');
    expect(redactUrl('http://admin:pw@127.0.0.1:15672')).toBe('http://admin@127.0.0.1:15672/');
    expect(redactUrl('nonsense')).toBe('(invalid URL)');
  });
});
