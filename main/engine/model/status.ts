import type { ModelStatus } from '../../contract';
import type { EngineContext } from '../context';

/**
 * Whether a DeepResonance model pack is installed. The model runtime comes
 * with its own issue; until then the chat pane shows this message.
 */
export function modelStatus(_ctx: EngineContext): ModelStatus {
  return {
    installed: false,
    packPath: null,
    message:
      'No DeepResonance model pack is installed. Convert the official checkpoints with tools/convert/convert.py (see README, "Model packs") and choose the pack folder to chat about this track.',
  };
}
