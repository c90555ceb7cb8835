import { z } from 'zod';
import { EVERY_EVENT_VERSION } from './catalog';

/** JSON Schema (draft 2020-12) of every event envelope, every version, keyed by `<type>.v<version>`, from the zod source. */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    EVERY_EVENT_VERSION.map((definition) => [
      `${definition.type}.v${definition.version}`,
      {
        ...z.toJSONSchema(definition.envelope, { target: 'draft-2020-12' }),
        title: definition.type,
        description: `Routing key ${definition.routingKey}`,
      },
    ]),
  );
}

/** The generated file's text: stable key order and a trailing newline, so a diff shows real changes only. */
export function renderEventJsonSchemas(): string {
  return `${JSON.stringify(eventJsonSchemas(), null, 2)}\n`;
}

export const JSON_SCHEMA_FILE = 'schemas/events.schema.json';
