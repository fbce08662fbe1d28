"""Hand-written runtime shared by every generated operation.

Generated code (models, resources, the SDK class) imports from the submodules here;
nothing in this folder is generated. Submodules are imported directly, not re-exported,
so that `import atoma_sdk` pulls in only what construction needs.
"""
