import type { Handlers } from '@contract';
import type { ChatService } from '../chat/service';

type ChatMethods = 'chat:get-thread' | 'chat:ask' | 'chat:regenerate' | 'chat:clear-thread' | 'chat:stop';

/** `chat:*`: threads per track; answers stream as tokens (CallContext.token). */
export function chatHandlers(chat: ChatService): Pick<Handlers, ChatMethods> {
  return {
    'chat:get-thread': ({ trackId }) => chat.thread(trackId),
    'chat:ask': ({ trackId, instruction, attachments, options }, call) => chat.ask(trackId, instruction, attachments, options, call),
    'chat:regenerate': ({ trackId, messageId, options }, call) => chat.regenerate(trackId, messageId, options, call),
    'chat:clear-thread': ({ trackId }) => (chat.clear(trackId), null),
    'chat:stop': ({ trackId }) => chat.stop(trackId),
  };
}
