// Reward-driven agents on the cursor task: the shared Agent interface and loop, the actor-critic
// RL decoder, DQN and PPO, a factory that builds any of them, and seeded learning-curve experiments.
export { ActionSet, FeatureMap, learningCurve, trialsToReach, progressReward, runAgentSession, type Agent, type FeatureSet, type RewardKind, type AgentSessionOptions, type AgentSessionResult, type LearningCurve } from './agent.js';
export { ReplayBuffer, type ReplayBatch } from './replay.js';
export { DqnAgent, dqnTargets, huberLoss, type DqnOptions } from './dqn.js';
export { PpoAgent, gae, ppoClipLoss, type PpoOptions } from './ppo.js';
export { ActorCriticAgent } from './actor_critic.js';
export { mlp, forwardRows, copyWeights, type Activation } from './mlp.js';
export { AGENT_KINDS, createAgent, type AgentKind, type AgentOptions } from './factory.js';
export { runAgentExperiment, defaultAgentOptions, meanCurve, summariseRow, type ExperimentOptions, type ExperimentRow, type SessionOutcome, type RowSummary } from './experiment.js';
