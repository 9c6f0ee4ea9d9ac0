import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

/** What a scripted turn returns: an AI message, or text / tool calls to build one. */
export type ScriptedTurn =
  | AIMessage
  | { text?: string; toolCalls?: { name: string; args: Record<string, unknown>; id?: string }[] };

/**
 * A minimal LangChain chat model for tests: supports `bindTools` (records the tools) and answers each
 * call from a script that sees the messages it was sent.
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly model = 'scripted-1';
  readonly calls: BaseMessage[][] = [];
  boundTools: unknown[] = [];

  constructor(
    private readonly script: (messages: BaseMessage[], call: number) => ScriptedTurn | Promise<ScriptedTurn>,
  ) {
    super({});
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: unknown[]): never {
    this.boundTools = tools;
    return this as never;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls.push(messages);
    const turn = await this.script(messages, this.calls.length - 1);
    const message =
      turn instanceof AIMessage
        ? turn
        : new AIMessage({
            content: turn.text ?? '',
            tool_calls: (turn.toolCalls ?? []).map((call, index) => ({
              id: call.id ?? `call-${this.calls.length}-${index}`,
              name: call.name,
              args: call.args,
              type: 'tool_call' as const,
            })),
          });
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}

/** Text of a message's content. */
export function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
}
