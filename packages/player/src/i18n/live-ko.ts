import type { LiveMessages } from './live-messages.js';

/** Korean (ko): the live room. */
export const liveKo: LiveMessages = {
  chat: '채팅',
  chatInput: '메시지',
  chatPlaceholder: '호스트에게 질문하세요…',
  chatSend: '보내기',
  chatHost: '호스트',
  chatModerator: '매니저',
  chatPinned: '고정됨',
  chatReplyTo: '{name}님에게 답장',
  chatNewMessages: { other: '새 메시지 {count}개' },
  chatCharsLeft: { other: '{count}자 남음' },
  chatSlowDown: { other: '너무 빨라요: {count}초 후에 다시 보낼 수 있어요' },
  chatFailed: '메시지를 보내지 못했어요. 다시 시도해 주세요.',
  chatSignIn: '로그인하고 채팅에 참여하세요.',
  chatClosed: '채팅이 종료되었어요.',
  react: '하트 보내기',
  reactions: { other: '하트 {count}개' },
  purchased: { other: '{buyer}님이 {product} {count}개를 방금 구매했어요' },
  anItem: '상품',
  poll: '투표',
  pollVotes: { other: '{count}표' },
  pollFinal: '최종 결과',
  pollVoted: '투표해 주셔서 감사해요',
  pollFailed: '투표가 반영되지 않았어요. 다시 시도해 주세요.',
};
