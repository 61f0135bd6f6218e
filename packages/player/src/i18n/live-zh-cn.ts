import type { LiveMessages } from './live-messages.js';

/** Simplified Chinese (zh-CN): the live room. */
export const liveZhCN: LiveMessages = {
  chat: '聊天',
  chatInput: '消息',
  chatPlaceholder: '向主播提问…',
  chatSend: '发送',
  chatHost: '主播',
  chatModerator: '管理员',
  chatPinned: '置顶',
  chatReplyTo: '回复 {name}',
  chatNewMessages: { other: '{count} 条新消息' },
  chatCharsLeft: { other: '还可输入 {count} 字' },
  chatSlowDown: { other: '发言太快了：{count} 秒后可再次发送' },
  chatFailed: '消息未发送，请重试。',
  chatSignIn: '登录后即可聊天。',
  chatClosed: '聊天已关闭。',
  react: '点赞',
  reactions: { other: '{count} 个赞' },
  purchased: { other: '{buyer} 刚刚买了 {count} 件 {product}' },
  anItem: '一件商品',
  poll: '投票',
  pollVotes: { other: '{count} 票' },
  pollFinal: '最终结果',
  pollVoted: '感谢投票',
  pollFailed: '投票未成功，请重试。',
};
