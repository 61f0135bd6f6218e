import type { LiveMessages } from './live-messages.js';

/** Portuguese (pt): the live room. */
export const livePt: LiveMessages = {
  chat: 'Chat',
  chatInput: 'Mensagem',
  chatPlaceholder: 'Pergunte ao apresentador…',
  chatSend: 'Enviar',
  chatHost: 'Apresentador',
  chatModerator: 'Mod',
  chatPinned: 'Fixada',
  chatReplyTo: 'Em resposta a {name}',
  chatNewMessages: { one: '{count} nova mensagem', other: '{count} novas mensagens' },
  chatCharsLeft: { one: 'Resta {count} caractere', other: 'Restam {count} caracteres' },
  chatSlowDown: { one: 'Mais devagar: você pode enviar de novo em {count} segundo', other: 'Mais devagar: você pode enviar de novo em {count} segundos' },
  chatFailed: 'Sua mensagem não foi enviada. Tente de novo.',
  chatSignIn: 'Entre na sua conta para conversar.',
  chatClosed: 'O chat foi encerrado.',
  react: 'Enviar um coração',
  reactions: { one: '{count} coração', other: '{count} corações' },
  purchased: { one: '{buyer} acabou de comprar {product}', other: '{buyer} acabou de comprar {count} × {product}' },
  anItem: 'um item',
  poll: 'Enquete',
  pollVotes: { one: '{count} voto', other: '{count} votos' },
  pollFinal: 'Resultado final',
  pollVoted: 'Obrigado por votar',
  pollFailed: 'Seu voto não foi contado. Tente de novo.',
};
