# Two pairs of 3-d embeddings: the first pair should match (label 1), the second should not (-1).
set left [torch::tensor_create {{1.0 0.5 0.0} {0.2 0.9 0.4}}]
set right [torch::tensor_create {{0.8 0.6 0.1} {0.3 0.8 0.5}}]
set labels [torch::tensor_create {1.0 -1.0}]
set per_pair [torch::cosine_embedding_loss $left $right $labels 0.5 none]
puts "per pair: [torch::tensor_print $per_pair]"
puts "mean: [torch::tensor_item [torch::cosineEmbeddingLoss -input1 $left -input2 $right -target $labels -margin 0.5]]"
