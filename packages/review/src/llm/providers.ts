import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ReviewError } from '../errors';
import type { Reviewer } from '../reviewer/reviewer';
import { createAgentReviewer, type LlmReviewerSettings } from './llm-reviewer';
import { abortableFetch } from './review-signal';

/** The part of `@langchain/ollama` the Ollama reviewer uses (inject it as `lib`). */
export interface OllamaLib {
  ChatOllama: new (fields: {
    model: string;
    baseUrl?: string;
    temperature?: number;
    fetch?: typeof fetch;
  }) => BaseChatModel;
}

/** The part of `@langchain/aws` the Bedrock reviewer uses (inject it as `lib`). */
export interface BedrockLib {
  ChatBedrockConverse: new (fields: {
    model: string;
    region?: string;
    temperature?: number;
    endpointHost?: string;
    client?: never;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  }) => BaseChatModel;
}

/** Options of {@link createOllamaReviewer}. */
export interface OllamaReviewerOptions extends LlmReviewerSettings {
  /** Ollama model id, e.g. `llama3.1:8b`. */
  model: string;
  /** Ollama server (default `http://127.0.0.1:11434`). */
  baseUrl?: string;
  /** Sampling temperature (default 0). */
  temperature?: number;
  /** A `fetch` for the Ollama client (proxies, tests). */
  fetch?: typeof fetch;
  /** The `@langchain/ollama` module, to skip the lazy import (bundlers, tests). */
  lib?: OllamaLib;
}

/** Options of {@link createBedrockReviewer}. */
export interface BedrockReviewerOptions extends LlmReviewerSettings {
  /** Bedrock model id, e.g. `anthropic.claude-3-5-sonnet-20240620-v1:0`. */
  model: string;
  /** AWS region (default: the AWS SDK's own resolution). */
  region?: string;
  /** Sampling temperature (default 0). */
  temperature?: number;
  /** HTTPS host of a custom endpoint (VPC endpoint), without scheme. */
  endpointHost?: string;
  /** A ready `BedrockRuntimeClient` from `@aws-sdk/client-bedrock-runtime` (custom endpoint, credentials, middleware). */
  client?: object;
  /** Explicit credentials; default: the AWS SDK credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The `@langchain/aws` module, to skip the lazy import. */
  lib?: BedrockLib;
}

/**
 * Import an optional provider package, or throw `REVIEW_PROVIDER_MISSING` saying what to install.
 * @internal
 */
export async function importProvider<T>(specifier: string, what: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    throw new ReviewError(
      'REVIEW_PROVIDER_MISSING',
      `the ${what} reviewer needs the optional package ${specifier}, which could not be loaded: install it with \`npm install ${specifier} @langchain/core\` (or pass its module as \`lib\`)`,
      { cause: error },
    );
  }
}

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/**
 * An LLM reviewer on a local Ollama server through `@langchain/ollama`, imported on the first review
 * (install `@langchain/ollama` and `@langchain/core`, or pass `lib`). The reviewer records
 * `{ name: 'ollama', kind: 'llm', model }`.
 *
 * @example
 * ```ts
 * const reviewer = createOllamaReviewer({ model: 'llama3.1:8b', temperature: 0, timeoutMs: 30_000, maxRetries: 2 });
 * ```
 */
export function createOllamaReviewer(options: OllamaReviewerOptions): Reviewer {
  const { model, baseUrl, temperature, fetch: fetchImpl, lib, ...settings } = options;
  const loadModel = lazy(async () => {
    const { ChatOllama } = lib ?? (await importProvider<OllamaLib>('@langchain/ollama', 'Ollama'));
    return new ChatOllama({
      model,
      temperature: temperature ?? 0,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      // The review's timeout/abort must cancel the HTTP request itself (see abortableFetch).
      fetch: abortableFetch(fetchImpl ?? globalThis.fetch),
    });
  });
  return createAgentReviewer(loadModel, { modelId: model, ...settings, defaultName: 'ollama' });
}

/**
 * An LLM reviewer on Amazon Bedrock (Converse API) through `@langchain/aws`, imported on the first review
 * (install `@langchain/aws` and `@langchain/core`, or pass `lib`). The reviewer records
 * `{ name: 'bedrock', kind: 'llm', model }`.
 *
 * @example
 * ```ts
 * const reviewer = createBedrockReviewer({ model: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1' });
 * ```
 */
export function createBedrockReviewer(options: BedrockReviewerOptions): Reviewer {
  const { model, region, temperature, endpointHost, client, credentials, lib, ...settings } = options;
  const loadModel = lazy(async () => {
    const { ChatBedrockConverse } = lib ?? (await importProvider<BedrockLib>('@langchain/aws', 'Bedrock'));
    return new ChatBedrockConverse({
      model,
      temperature: temperature ?? 0,
      ...(region === undefined ? {} : { region }),
      ...(endpointHost === undefined ? {} : { endpointHost }),
      ...(client === undefined ? {} : { client: client as never }),
      ...(credentials === undefined ? {} : { credentials }),
    });
  });
  return createAgentReviewer(loadModel, { modelId: model, ...settings, defaultName: 'bedrock' });
}
