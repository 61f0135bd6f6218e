import type { LiveMessages } from './live-messages.js';

/** Traditional Chinese (zh-TW): the live room. */
export const liveZhTW: LiveMessages = {
  chat: '聊天',
  chatInput: '訊息',
  chatPlaceholder: '向主持人提問…',
  chatSend: '傳送',
  chatHost: '主持人',
  chatModerator: '管理員',
  chatPinned: '置頂',
  chatReplyTo: '回覆 {name}',
  chatNewMessages: { other: '{count} 則新訊息' },
  chatCharsLeft: { other: '還可輸入 {count} 字' },
  chatSlowDown: { other: '發言太快了：{count} 秒後可再次傳送' },
  chatFailed: '訊息未傳送，請再試一次。',
  chatSignIn: '登入後即可聊天。',
  chatClosed: '聊天已關閉。',
  react: '按讚',
  reactions: { other: '{count} 個讚' },
  purchased: { other: '{buyer} 剛剛買了 {count} 件 {product}' },
  anItem: '一件商品',
  poll: '投票',
  pollVotes: { other: '{count} 票' },
  pollFinal: '最終結果',
  pollVoted: '感謝投票',
  pollFailed: '投票未成功，請再試一次。',
};
