// Remediation guides: a rule's markdown template (mustache) rendered with an alert's context
// (rules/guide-context.ts) into markdown and sanitized HTML.
//
// Trust: the template is written by the rule author; every interpolated value may carry text from the
// retailer's systems (span names, log bodies, order IDs) and is escaped so it reads as plain text in
// markdown — it cannot open a link, a heading, a table cell, a code span or raw HTML. The HTML is
// rendered by markdown-it with raw HTML off and then passed through sanitize-html as a second wall.
import MarkdownIt from 'markdown-it';
import Mustache from 'mustache';
import sanitizeHtml from 'sanitize-html';
import type { GuideContext } from './guide-context.ts';
import { truncateText } from './guide-context.ts';

export interface RenderedGuide {
  markdown: string;
  html: string;
}

/** Longest single interpolated value; guide-context cuts untrusted text shorter already. */
const MAX_VALUE_LENGTH = 2000;

/**
 * Escapes text so markdown shows it literally: whitespace runs (newlines included) become one space,
 * inline syntax is backslash-escaped, and block syntax a value could start a line with is escaped.
 */
export function escapeMarkdown(value: unknown): string {
  const text = truncateText(String(value ?? ''), MAX_VALUE_LENGTH).replace(/\s+/g, ' ').trim();
  return text
    .replace(/[\\`*_[\]()<>!|~&]/g, '\\$&')
    .replace(/^[#+=-]/, '\\$&')
    .replace(/^(\d+)\./, '$1\\.');
}

const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false });

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

/** Markdown → HTML with raw HTML disabled, then only safe tags and http(s)/relative links kept. */
export function markdownToSafeHtml(source: string): string {
  return sanitizeHtml(markdown.render(source), SANITIZE_OPTIONS);
}

type Spans = ReturnType<typeof Mustache.parse>;

function unescapedTags(spans: Spans): string[] {
  const found: string[] = [];
  for (const span of spans) {
    if (span[0] === '&') found.push(span[1]);
    const children = span[4];
    if (Array.isArray(children)) found.push(...unescapedTags(children));
  }
  return found;
}

/**
 * Throws an Error naming the problem when a template does not parse or uses unescaped tags
 * ({{{x}}}, {{&x}}): every value must pass through the markdown escape.
 */
export function checkGuideTemplate(template: string): void {
  let spans: Spans;
  try {
    spans = Mustache.parse(template);
  } catch (err) {
    throw new Error(`guide template does not parse: ${(err as Error).message}`);
  }
  const raw = unescapedTags(spans);
  if (raw.length > 0) {
    throw new Error(`guide template uses unescaped tags ({{{…}}} or {{&…}}) for ${raw.map((n) => `"${n}"`).join(', ')}; use {{…}}, values are escaped for markdown`);
  }
}

export function renderGuide(template: string, context: GuideContext): RenderedGuide {
  checkGuideTemplate(template);
  const md = Mustache.render(template, context, {}, { escape: escapeMarkdown });
  return { markdown: md, html: markdownToSafeHtml(md) };
}
