import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundEvent, ParseWebhookResult } from './inbound-event';
import { parseWebhookPayload } from './parse-webhook';

const FIXTURES = join(__dirname, '../../test/fixtures/webhooks');

function readFixture(path: string): unknown {
  const json: unknown = JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
  // SOURCES.md: a `.fragment.json` is only the `messages[]` part of a `value`; wrap it in an envelope.
  return path.endsWith('.fragment.json') ? wrapInEnvelope(json as Record<string, unknown>) : json;
}

function wrapInEnvelope(value: Record<string, unknown>, phoneNumberId = '106540352242922'): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

function expectOk(result: ParseWebhookResult): Extract<ParseWebhookResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result;
}

function label(event: InboundEvent): string {
  return event.kind === 'message' ? `message/${event.message.type}` : `status/${event.status}`;
}

function parseFixture(path: string): Extract<ParseWebhookResult, { ok: true }> {
  return expectOk(parseWebhookPayload(readFixture(path)));
}

/** Every webhook fixture → the events it must produce (kind/type) and how many parts are skipped. */
const FIXTURE_TABLE: Record<string, { events: string[]; ignored?: number }> = {
  'meta-docs/nfm_reply-flow-response.fragment.json': { events: ['message/flow_reply'] },
  'meta-docs/text-message.json': { events: ['message/text'] },
  'meta-docs/value-level-errors.syntax.json': { events: [] },
  'meta-postman/message-status-update-notifications.json': { events: ['status/sent'] },
  'meta-postman/received-callback-from-a-quick-reply-button-click.json': { events: ['message/template_button'] },
  // Meta's example has no `type` field; we do not guess it.
  'meta-postman/received-contact-messages.json': { events: ['message/unsupported'] },
  'meta-postman/received-media-message-with-image.json': { events: ['message/media'] },
  'meta-postman/received-media-message-with-sticker.json': { events: ['message/media'] },
  'meta-postman/received-message-triggered-by-click-to-whatsapp-ads.json': { events: ['message/text'] },
  // Meta's example misspells `messsage_id`; a reaction without the reacted message is unusable.
  'meta-postman/received-message-with-reaction.json': { events: ['message/unsupported'] },
  'meta-postman/received-order-messages.json': { events: ['message/unsupported'] },
  'meta-postman/received-product-enquiry-message.json': { events: ['message/text'] },
  // No `type` and placeholder coordinates.
  'meta-postman/received-static-location-messages.json': { events: ['message/unsupported'] },
  'meta-postman/received-text-message-with-show-security-notifications.json': { events: ['message/text'] },
  'meta-postman/received-text-message.json': { events: ['message/text'] },
  'meta-postman/received-unknown-messages.json': { events: ['message/unsupported'] },
  // Despite the name: an inbound unsupported message (a user-deleted message).
  'meta-postman/status-message-deleted.json': { events: ['message/unsupported'] },
  'meta-postman/status-message-delivered-business-delivered-from-user.json': { events: ['status/delivered'] },
  'meta-postman/status-message-delivered-business-from-user-initiated.json': { events: ['status/sent'] },
  'meta-postman/status-message-delivered-user-initiated.json': { events: ['status/delivered'] },
  'meta-postman/status-message-failed.json': { events: ['status/failed'] },
  'meta-postman/status-message-sent-business-initiated.json': { events: ['status/sent'] },
  'meta-postman/status-message-sent-business-reply-to-user.json': { events: ['status/sent'] },
  'meta-postman/status-message-sent-user-initiated.json': { events: ['status/sent'] },
  // Payment transaction status: not a message delivery status.
  'meta-postman/status-transaction-status-order-details-message.json': { events: [], ignored: 1 },
  'pywa/account_update__account_restriction.json': { events: [], ignored: 1 },
  'pywa/callback_button__button.json': { events: ['message/button_reply'] },
  'pywa/callback_button__quick_reply.json': { events: ['message/template_button'] },
  'pywa/callback_button__quick_reply_without_context.json': { events: ['message/template_button'] },
  'pywa/callback_selection__callback.json': { events: ['message/list_reply'] },
  'pywa/callback_selection__description.json': { events: ['message/list_reply'] },
  'pywa/deleted_message__revoke.json': { events: ['message/unsupported'] },
  'pywa/edited_message__image.json': { events: ['message/unsupported'] },
  'pywa/flow_completion__completion.json': { events: ['message/flow_reply'] },
  'pywa/flow_completion__without_flow_token.json': { events: ['message/flow_reply'] },
  'pywa/message__animated_sticker.json': { events: ['message/media'] },
  'pywa/message__audio.json': { events: ['message/media'] },
  'pywa/message__chosen_location.json': { events: ['message/location'] },
  'pywa/message__contacts.json': { events: ['message/contacts'] },
  'pywa/message__current_location.json': { events: ['message/location'] },
  'pywa/message__document.json': { events: ['message/media'] },
  'pywa/message__forwarded.json': { events: ['message/text'] },
  'pywa/message__forwarded_many_times.json': { events: ['message/text'] },
  'pywa/message__image.json': { events: ['message/media'] },
  'pywa/message__interactive_message_with_err.json': { events: ['message/unsupported'] },
  'pywa/message__media_with_url.json': { events: ['message/media'] },
  'pywa/message__order.json': { events: ['message/unsupported'] },
  'pywa/message__reaction.json': { events: ['message/reaction'] },
  'pywa/message__referral.json': { events: ['message/text'] },
  'pywa/message__reply.json': { events: ['message/text'] },
  'pywa/message__static_sticker.json': { events: ['message/media'] },
  'pywa/message__text.json': { events: ['message/text'] },
  'pywa/message__unreaction_empty.json': { events: ['message/reaction'] },
  'pywa/message__unreaction_no_emoji.json': { events: ['message/reaction'] },
  'pywa/message__unsupported.json': { events: ['message/unsupported'] },
  'pywa/message__unsupported_with_type.json': { events: ['message/unsupported'] },
  'pywa/message__video.json': { events: ['message/media'] },
  'pywa/message__voice.json': { events: ['message/media'] },
  'pywa/message_status__delivered.json': { events: ['status/delivered'] },
  'pywa/message_status__failed.json': { events: ['status/failed'] },
  'pywa/message_status__group.json': { events: ['status/read'] },
  'pywa/message_status__played.json': { events: ['status/played'] },
  'pywa/message_status__read.json': { events: ['status/read'] },
  'pywa/message_status__sent.json': { events: ['status/sent'] },
  'pywa/message_status__with_tracker.json': { events: ['status/sent'] },
  'pywa/system__identity_change.json': { events: ['message/unsupported'] },
  'pywa/system__phone_number_change.json': { events: ['message/unsupported'] },
  'pywa/template_status_update__approved.json': { events: [], ignored: 1 },
  'pywa/template_status_update__rejected.json': { events: [], ignored: 1 },
};

function listFixtureFiles(): string[] {
  return ['meta-docs', 'meta-postman', 'pywa'].flatMap((dir) =>
    readdirSync(join(FIXTURES, dir))
      .filter((name) => name.endsWith('.json') && name !== '_index.json')
      .map((name) => `${dir}/${name}`),
  );
}

describe('parseWebhookPayload on every stored webhook fixture', () => {
  it('has an expectation for every fixture file (a new fixture must be added to the table)', () => {
    expect(listFixtureFiles().sort()).toStrictEqual(Object.keys(FIXTURE_TABLE).sort());
  });

  it.each(Object.entries(FIXTURE_TABLE))('%s → %j', (path, expected) => {
    const result = parseFixture(path);
    expect(result.events.map(label)).toStrictEqual(expected.events);
    expect(result.ignored).toBe(expected.ignored ?? 0);
    for (const event of result.events) {
      expect(event.messageId).not.toBe('');
      expect(event.phoneNumberId).not.toBe('');
      expect(event.timestamp).toBeInstanceOf(Date);
      if (event.kind === 'message') expect(event.senderKey).not.toBe('');
    }
  });
});

describe('parseWebhookPayload details from real payloads', () => {
  it('reads a text message with the profile name matched by wa_id', () => {
    expect(parseFixture('meta-docs/text-message.json').events).toStrictEqual([
      {
        kind: 'message',
        phoneNumberId: '106540352242922',
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        senderKey: '16505551234',
        waId: '16505551234',
        profileName: 'Sheena Nelson',
        timestamp: new Date('2025-06-08T20:59:43.000Z'),
        message: { type: 'text', text: 'Does it come in another color?' },
      },
    ]);
  });

  it('reads a reply-button tap with the tapped message as context and the BSUID from contacts', () => {
    expect(parseFixture('pywa/callback_button__button.json').events).toStrictEqual([
      {
        kind: 'message',
        phoneNumberId: '1122334455667',
        messageId: 'wamid.xyzxyz',
        senderKey: '972987654321',
        waId: '972987654321',
        userId: 'US.13491208655302741918',
        parentUserId: 'US.ENT.11815799212886844830',
        profileName: 'Test Name',
        timestamp: new Date('2023-10-25T20:45:30.000Z'),
        contextMessageId: 'wamid.xyzxyz',
        message: { type: 'button_reply', id: 'callback_data', title: 'title' },
      },
    ]);
  });

  it.each([
    ['pywa/callback_selection__callback.json', { type: 'list_reply', id: 'callback_data', title: 'title' }],
    ['pywa/callback_selection__description.json', { type: 'list_reply', id: 'callback_data', title: 'title', description: 'description' }],
    ['meta-postman/received-callback-from-a-quick-reply-button-click.json', { type: 'template_button', payload: 'No-Button-Payload', text: 'No' }],
    ['pywa/message__voice.json', { type: 'media', mediaType: 'voice', mediaId: '1234567890987654321', mimeType: 'audio/ogg; codecs=opus' }],
    ['pywa/message__audio.json', { type: 'media', mediaType: 'audio', mediaId: '1234567890987654321', mimeType: 'audio/ogg; codecs=opus' }],
    ['pywa/message__document.json', { type: 'media', mediaType: 'document', mediaId: '1234567890987654321', mimeType: 'application/pdf', caption: 'caption' }],
    ['pywa/message__static_sticker.json', { type: 'media', mediaType: 'sticker', mediaId: '1234567890987654321', mimeType: 'image/webp' }],
    ['pywa/message__chosen_location.json', { type: 'location', latitude: 37.4611978, longitude: -122.2164385, name: 'Facebook HQ', address: '1 Hacker Way, Menlo Park, CA 94025' }],
    ['pywa/message__current_location.json', { type: 'location', latitude: 12.25089, longitude: 43.90539 }],
    ['pywa/message__contacts.json', { type: 'contacts', count: 3 }],
    ['pywa/message__reaction.json', { type: 'reaction', emoji: '😮', reactedMessageId: 'wamid.yzxyzx=' }],
    ['pywa/message__unreaction_empty.json', { type: 'reaction', reactedMessageId: 'wamid.yzxyzx=' }],
    ['pywa/message__unreaction_no_emoji.json', { type: 'reaction', reactedMessageId: 'wamid.yzxyzx=' }],
    ['pywa/message__unsupported.json', { type: 'unsupported', originalType: 'unsupported', errorCode: 131051 }],
    ['pywa/message__unsupported_with_type.json', { type: 'unsupported', originalType: 'pool', errorCode: 131051 }],
    ['meta-postman/received-unknown-messages.json', { type: 'unsupported', originalType: 'unknown', errorCode: 130501 }],
    ['pywa/message__interactive_message_with_err.json', { type: 'unsupported', originalType: 'interactive' }],
    ['pywa/system__phone_number_change.json', { type: 'unsupported', originalType: 'system' }],
    ['pywa/edited_message__image.json', { type: 'unsupported', originalType: 'edit' }],
  ])('%s → %j', (path, message) => {
    const [event] = parseFixture(path).events;
    expect(event?.kind === 'message' && event.message).toStrictEqual(message);
  });

  it('parses a Flow completion, taking the flow token out of response_json', () => {
    const [event] = parseFixture('pywa/flow_completion__completion.json').events;
    expect(event).toMatchObject({ contextMessageId: 'wamid.gvwegfretge==', timestamp: new Date('2023-12-13T21:21:13.000Z') });
    expect(event?.kind === 'message' && event.message).toStrictEqual({
      type: 'flow_reply',
      flowToken: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
      body: 'Sent',
      response: {
        comment_text: 'Comment Text',
        delivery_rating: '4',
        flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
        purchase_rating: '2',
        recommend_radio: '0',
        cs_rating: '0',
      },
    });
  });

  it('parses a Flow completion without flow_token (flowToken absent, response kept)', () => {
    const [event] = parseFixture('pywa/flow_completion__without_flow_token.json').events;
    expect(event?.kind === 'message' && event.message).toMatchObject({ type: 'flow_reply', response: { cs_rating: '0' } });
    expect(event?.kind === 'message' && event.message.type === 'flow_reply' && 'flowToken' in event.message).toBe(false);
  });

  it('parses the Meta docs Flow fragment and falls back to receivedAt for its placeholder timestamp', () => {
    const receivedAt = new Date('2026-07-01T09:30:00.000Z');
    const result = expectOk(parseWebhookPayload(readFixture('meta-docs/nfm_reply-flow-response.fragment.json'), { receivedAt }));
    expect(result.events[0]).toMatchObject({
      senderKey: '<USER_ACCOUNT_NUMBER>',
      timestamp: receivedAt,
      contextMessageId: 'gBGGEiRVVgBPAgm7FUgc73noXjo',
      message: { type: 'flow_reply', flowToken: '<FLOW_TOKEN>', response: { optional_param1: '<value1>' } },
    });
  });

  it('reads a failed status with its errors and details', () => {
    expect(parseFixture('pywa/message_status__failed.json').events).toStrictEqual([
      {
        kind: 'status',
        phoneNumberId: '1122334455667',
        messageId: 'wamid.xyzxyz',
        recipientKey: '972987654321',
        status: 'failed',
        timestamp: new Date('2023-07-15T00:20:58.000Z'),
        errors: [
          {
            code: 130472,
            title: "User's number is part of an experiment",
            message: "User's number is part of an experiment",
            details: "Failed to send message because this user's phone number is part of an experiment",
          },
        ],
      },
    ]);
  });

  it('reports value-level errors as system errors, not events', () => {
    const result = parseFixture('meta-docs/value-level-errors.syntax.json');
    expect(result.systemErrors).toStrictEqual([
      { code: 130429, title: '<ERROR_TITLE>', message: '<ERROR_MESSAGE>', details: '<ERROR_DETAILS>', phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>' },
    ]);
  });

  it('uses from_user_id as the user id of a template quick reply without context', () => {
    const [event] = parseFixture('pywa/callback_button__quick_reply_without_context.json').events;
    expect(event).toMatchObject({ senderKey: '972987654321', waId: '972987654321', userId: 'US.13491208655302741918' });
    expect(event && 'contextMessageId' in event).toBe(false);
  });
});

/** A one-message envelope for edge cases. */
function envelopeWith(value: Record<string, unknown>): unknown {
  return wrapInEnvelope(value, 'PNID');
}

describe('parseWebhookPayload edge cases', () => {
  it('accepts a message without `from`, keyed by from_user_id, with the profile matched by user_id (2026 usernames)', () => {
    const result = expectOk(
      parseWebhookPayload(
        envelopeWith({
          contacts: [{ profile: { name: 'Ana' }, user_id: 'ES.8812345678' }],
          messages: [{ from_user_id: 'ES.8812345678', id: 'wamid.A', timestamp: '1782898200', type: 'text', text: { body: 'hola' } }],
        }),
      ),
    );
    expect(result.events).toStrictEqual([
      {
        kind: 'message',
        phoneNumberId: 'PNID',
        messageId: 'wamid.A',
        senderKey: 'ES.8812345678',
        userId: 'ES.8812345678',
        profileName: 'Ana',
        timestamp: new Date('2026-07-01T09:30:00.000Z'),
        message: { type: 'text', text: 'hola' },
      },
    ]);
  });

  it('reads the username and parent BSUID of a username-only sender; a non-text username is dropped, not the message', () => {
    const parse = (username: unknown) =>
      expectOk(
        parseWebhookPayload(
          envelopeWith({
            contacts: [{ profile: { name: 'Ana', username }, user_id: 'ES.8812345678', parent_user_id: 'ES.ENT.77' }],
            messages: [{ from_user_id: 'ES.8812345678', from_parent_user_id: 'ES.ENT.77', id: 'wamid.U', timestamp: '1782898200', type: 'text', text: { body: 'hola' } }],
          }),
        ),
      ).events[0];
    expect(parse('  @ana.g ')).toMatchObject({ senderKey: 'ES.8812345678', userId: 'ES.8812345678', parentUserId: 'ES.ENT.77', username: '@ana.g', profileName: 'Ana' });
    expect(parse(42)).not.toHaveProperty('username');
    expect(parse(42)).toMatchObject({ profileName: 'Ana' });
  });

  it('accepts a message-level user_id when both from and from_user_id are missing', () => {
    const result = expectOk(
      parseWebhookPayload(envelopeWith({ messages: [{ user_id: 'US.42', id: 'wamid.B', timestamp: '1782898200', type: 'text', text: { body: 'hi' } }] })),
    );
    expect(result.events[0]).toMatchObject({ senderKey: 'US.42', userId: 'US.42' });
  });

  it('keeps a Flow completion with invalid response_json as a flow_reply with an empty response', () => {
    const result = expectOk(
      parseWebhookPayload(
        envelopeWith({
          messages: [
            {
              from: '34600111222',
              id: 'wamid.C',
              timestamp: '1782898200',
              type: 'interactive',
              interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token": "ft_1", broken' } },
            },
          ],
        }),
      ),
    );
    expect(result.events[0]).toMatchObject({ message: { type: 'flow_reply', response: {}, body: 'Sent' } });
  });

  it.each([
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"x"'],
  ])('treats response_json that is %s as an empty response', (_name, responseJson) => {
    const result = expectOk(
      parseWebhookPayload(
        envelopeWith({
          messages: [{ from: '1', id: 'w', timestamp: '1', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', response_json: responseJson } } }],
        }),
      ),
    );
    expect(result.events[0]).toMatchObject({ message: { type: 'flow_reply', response: {} } });
  });

  it('turns an address-message nfm_reply into unsupported instead of a Flow completion', () => {
    const result = expectOk(
      parseWebhookPayload(
        envelopeWith({
          messages: [{ from: '1', id: 'w', timestamp: '1', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'address_message', response_json: '{}' } } }],
        }),
      ),
    );
    expect(result.events[0]).toMatchObject({ message: { type: 'unsupported', originalType: 'address_message' } });
  });

  it('turns an unknown message type into unsupported with the original type', () => {
    const result = expectOk(parseWebhookPayload(envelopeWith({ messages: [{ from: '1', id: 'w', timestamp: '1', type: 'poll_vote', poll_vote: {} }] })));
    expect(result.events[0]).toMatchObject({ message: { type: 'unsupported', originalType: 'poll_vote' } });
  });

  it('keeps the rest of the batch when one message is malformed', () => {
    const result = expectOk(
      parseWebhookPayload(
        envelopeWith({
          messages: [
            { from: '1', id: 'w1', timestamp: '1', type: 'text', text: { wrong: true } },
            { from: '1', timestamp: '1', type: 'text', text: { body: 'no id' } },
            { id: 'w3', timestamp: '1', type: 'text', text: { body: 'no sender' } },
            'not an object',
            { from: '1', id: 'w5', timestamp: '2', type: 'text', text: { body: 'fine' } },
          ],
        }),
      ),
    );
    expect(result.events.map((e) => (e.kind === 'message' ? [e.messageId, e.message.type] : []))).toStrictEqual([
      ['w1', 'unsupported'],
      ['w5', 'text'],
    ]);
    expect(result.ignored).toBe(3);
  });

  it('accepts coordinates sent as numeric strings (older docs)', () => {
    const result = expectOk(
      parseWebhookPayload(envelopeWith({ messages: [{ from: '1', id: 'w', timestamp: '1', type: 'location', location: { latitude: '40.4168', longitude: '-3.7038' } }] })),
    );
    expect(result.events[0]).toMatchObject({ message: { type: 'location', latitude: 40.4168, longitude: -3.7038 } });
  });

  it('falls back to the epoch when a timestamp is a placeholder and no receivedAt is given', () => {
    const result = expectOk(parseWebhookPayload(readFixture('meta-postman/status-message-failed.json')));
    expect(result.events[0]?.timestamp).toStrictEqual(new Date(0));
  });

  it('reads every message and status of a batch across entries and changes', () => {
    const message = { from: '1', id: 'w', timestamp: '1', type: 'text', text: { body: 'a' } };
    const status = { id: 's', status: 'delivered', timestamp: '1', recipient_id: '1' };
    const value = { messaging_product: 'whatsapp', metadata: { phone_number_id: 'P' }, messages: [message, { ...message, id: 'w2' }], statuses: [status] };
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value }, { field: 'flows', value: { event: 'FLOW_STATUS_CHANGE' } }] },
        { id: '2', changes: [{ field: 'messages', value: { ...value, metadata: { phone_number_id: 'Q' } } }] },
      ],
    };
    const result = expectOk(parseWebhookPayload(body));
    expect(result.events.map((e) => `${e.phoneNumberId}:${e.messageId}`)).toStrictEqual(['P:w', 'P:w2', 'P:s', 'Q:w', 'Q:w2', 'Q:s']);
    expect(result.ignored).toBe(1);
  });

  it('accepts an envelope with no entries', () => {
    expect(parseWebhookPayload({ object: 'whatsapp_business_account', entry: [] })).toStrictEqual({ ok: true, events: [], ignored: 0, systemErrors: [], problems: [] });
  });

  it.each([
    ['an empty object', {}, 'object is missing, expected "whatsapp_business_account" (is this webhook subscribed to the right product?)'],
    ['null', null, 'body is not a JSON object'],
    ['an array', [], 'body is not a JSON object'],
    ['a string', 'hello', 'body is not a JSON object'],
    ['another product', { object: 'page', entry: [] }, 'object is "page", expected "whatsapp_business_account" (is this webhook subscribed to the right product?)'],
    ['no entry array', { object: 'whatsapp_business_account', entry: {} }, 'entry is not an array'],
  ])('rejects %s without throwing', (_name, body, reason) => {
    expect(parseWebhookPayload(body)).toStrictEqual({ ok: false, reason });
  });
});
