import { describe, expect, it } from 'vitest'
import { configurationSchema } from '../../src/index.js'

describe('configurationSchema', () => {
  const hook = configurationSchema.properties.hooks.items

  it("has XO's top level", () => {
    expect(configurationSchema.description).toBe('Bind XO API calls to HTTP requests.')
    expect(configurationSchema.type).toBe('object')
    expect(configurationSchema.required).toEqual(['hooks'])
    expect(configurationSchema.properties.hooks.type).toBe('array')
  })

  it("has XO's hook fields, titles, descriptions, enums and defaults", () => {
    expect(hook.required).toEqual(['method', 'type', 'url', 'format'])
    expect(hook.properties.type).toMatchObject({
      type: 'string',
      enum: ['pre', 'post', 'pre/post'],
      description: 'Right before the API call *or* right after the action has been completed',
    })
    expect(hook.properties.url).toMatchObject({
      type: 'string',
      description: 'The full URL you wish the request to be sent to',
    })
    expect(hook.properties.format).toMatchObject({ type: 'string', enum: ['json', 'office365'], default: 'json' })
    expect(hook.properties.waitForResponse).toMatchObject({
      type: 'boolean',
      description: 'Waiting for the server response before executing the call. Only available on "PRE" type',
    })
    expect(hook.properties.method.type).toBe('string')
  })

  it('describes our optional fields, none of them required', () => {
    for (const field of ['exclude', 'veto', 'failOpen', 'timeout', 'retry', 'concurrency', 'secret', 'headers']) {
      expect(hook.properties).toHaveProperty(field)
      expect(hook.required).not.toContain(field)
    }
    for (const field of ['includeErrorStack', 'maxPayloadBytes', 'redact', 'secret', 'headers', 'timeout']) {
      expect(configurationSchema.properties).toHaveProperty(field)
    }
    expect(configurationSchema.properties.timeout.default).toBe(10000)
    expect(configurationSchema.properties.maxPayloadBytes.default).toBe(1048576)
  })

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(configurationSchema))).toEqual(configurationSchema)
  })
})
