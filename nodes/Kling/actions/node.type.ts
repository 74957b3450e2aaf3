import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	element: 'create' | 'get' | 'getAll' | 'delete';
};

export type KlingType = AllEntities<NodeMap>;
