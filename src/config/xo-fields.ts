/**
 * The hook fields of Xen Orchestra's web-hooks plugin schema (xo-server-web-hooks 0.4.0), as XO defines them: title,
 * description, enum, enumNames and default, word for word, so that a form built for XO's plugin renders ours the same.
 * Shared by `configurationSchema` and the XO plugin's schema.
 */

export const XO_TYPE_FIELD = {
  description: 'Right before the API call *or* right after the action has been completed',
  enum: ['pre', 'post', 'pre/post'],
  title: 'Type',
  type: 'string',
} as const

export const XO_URL_FIELD = {
  description: 'The full URL you wish the request to be sent to',
  title: 'URL',
  type: 'string',
} as const

/** XO's format field has no `type` (its enum says it all). */
export const XO_FORMAT_FIELD = {
  default: 'json',
  description: 'The format of the payload sent to the URL',
  enum: ['json', 'office365'],
  enumNames: ['JSON', 'Office 365 connector'],
  title: 'Payload format',
} as const

export const XO_WAIT_FOR_RESPONSE_FIELD = {
  description: 'Waiting for the server response before executing the call. Only available on "PRE" type',
  title: 'Wait for response',
  type: 'boolean',
} as const
