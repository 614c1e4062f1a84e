# Resume: rebuild the same network and optimizer, then load the saved training state into them.
set net [torch::linear 2 2]
set opt [torch::optimizer_adam [torch::layer_parameters $net] 0.01]
close [file tempfile path /tmp/resume.pt]
torch::save_checkpoint -model $net -optimizer $opt -file $path -epoch 12 -loss 0.42 -lr 0.01
set fresh [torch::linear 2 2]
set fresh_opt [torch::optimizer_adam [torch::layer_parameters $fresh] 0.01]
puts [torch::load_checkpoint $path $fresh $fresh_opt]
set a [torch::layer_forward $net [torch::ones {1 2}]]
set b [torch::layer_forward $fresh [torch::ones {1 2}]]
puts "same outputs: [torch::allclose $a $b]"
file delete $path
